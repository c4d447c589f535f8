using Glint.Api;
using Glint.Execution;
using Glint.Jobs;
using Glint.Tests.Support;

namespace Glint.Tests;

/// <summary>Explain output kept as data: a change to planning shows up as a diff of this file.</summary>
public sealed class ExplainGoldenTests
{
    private static string Folder => Path.Combine(AppContext.BaseDirectory, "Golden", "explain");

    [Theory]
    [InlineData("filter_limit_write")]
    [InlineData("join_aggregate")]
    [InlineData("join_aggregate_broadcast")]
    [InlineData("join_aggregate_files")]
    [InlineData("sql_pushdown_pruning")]
    public void Explain_matches_the_golden_file(string name)
    {
        var data = Path.GetDirectoryName(Datasets.Path("sales_parquet"))!;
        using var dir = new TempFolder("explain");
        var yaml = File.ReadAllText(Path.Combine(Folder, name + ".yaml"))
            .Replace("path: sales_parquet", $"path: {Datasets.Path("sales_parquet")}")
            .Replace("path: customers", $"path: {Datasets.Path("customers")}")
            .Replace("path: out", $"path: {dir["out"]}");
        var spec = JobSpecLoader.Parse(yaml, dir.Path);
        var options = JobPlanner.Options(spec, new SessionOptions
        {
            Home = "/glint-home",
            WorkerType = WorkerType.G1X,
        });
        var session = new GlintSession(options);
        var actual = session.Explain(JobPlanner.Actions(spec, session))
            .Replace(data, "<data>").Replace(dir["out"], "<target>").ReplaceLineEndings("\n");

        var goldenPath = Path.Combine(Folder, name + ".explain.txt");
        var expected = File.Exists(goldenPath) ? File.ReadAllText(goldenPath).ReplaceLineEndings("\n") : "";
        if (expected != actual)
        {
            // To accept a deliberate change: copy the .actual file over tests/Glint.Tests/Golden/explain/<name>.explain.txt.
            File.WriteAllText(goldenPath + ".actual", actual);
            Assert.Equal(expected, actual);
        }
    }
}
