using Glint.Api;
using Glint.Common;
using Glint.Execution;
using Glint.Jobs;
using Glint.Plan;
using Glint.Storage;
using Glint.Tests.Support;

namespace Glint.Tests;

/// <summary>
/// Every golden case, run through Glint with 1, 3 and 17 splits (exchanges fused, and as files at 17), must give exactly the rows of one
/// plain DuckDB query over the same files — collected, and (where the case says) written and read back.
/// </summary>
[Trait("kind", "grid")]
public sealed class DifferentialTests
{
    public static IEnumerable<object[]> Cases =>
        GoldenCase.Files("narrow").SelectMany(f => new[] { ("fuse", 1), ("fuse", 3), ("fuse", 17), ("files", 17) }
            .Select(c => new object[] { f, c.Item1, c.Item2 }));

    /// <summary>Narrow cases exchange rows only to gather them (a sort, a limit), so files mode is checked at the widest split count.</summary>
    [Theory]
    [MemberData(nameof(Cases))]
    public void Glint_equals_plain_DuckDB(string file, string exchanges, int splits) =>
        Check(GoldenCase.Load("narrow", file), splits, new() { ["local_exchange"] = exchanges });

    /// <summary>Runs a golden case with exactly <paramref name="splits"/> splits per scan and compares it with plain DuckDB.</summary>
    internal static void Check(GoldenCase golden, int splits, Dictionary<string, string> extra, Execution.IWorkerPool? pool = null)
    {
        using var home = new TempFolder("diff");
        var spec = golden.ToSpec();
        GlintSettings With(GlintSettings s) => s.With(golden.Settings).With(extra);
        var frame = Frame(spec, With(new GlintSettings()), home.Path, golden, pool);
        var total = SplitSearch.Scans(frame.Session.Plan([new PlannedAction(frame.Plan, new CollectSink())]))
            .Max(s => s.Source.TotalBytes);
        var settings = With(SplitSearch.For(s => Plan(Frame(spec, With(s), home.Path, golden, pool)), splits, total));
        frame = Frame(spec, settings, home.Path, golden, pool);
        Assert.All(SplitSearch.Scans(Plan(frame)), s => Assert.Equal(SplitSearch.Expected(s, splits), s.Splits.Length));  // fewer when pruned below n files
        ExchangeModes.AssertPlacement(frame, Plan(frame));

        var expected = ReferenceRows(golden);
        if (golden.Compare == "count")
        {
            Assert.Equal(expected.Count, frame.Count());
            Assert.Equal(expected.Count, frame.Collect().Count);
            return;
        }
        if (golden.Compare == "ordered")
        {
            AssertRows.Equal(Reference.Ordered(Reference.Query($"{Views(golden)} {golden.Reference}")), Reference.Ordered(frame.Collect()));
            return;
        }
        AssertRows.Equal(expected, Reference.Canonical(frame.Collect()));

        if (golden.Write is { } write)
        {
            var target = Path.Combine(home.Path, "out");
            var summary = frame.Write().Format(write.Format).PartitionBy([.. write.PartitionBy]).Save(target);
            Assert.Equal(expected.Count, summary.RowsOut);
            // Read-back inference may widen types (JSON numbers), so both sides are cast to the frame's types, then to text.
            var columns = frame.Schema.Columns;
            var scan = FileFormats.Parse(write.Format) switch
            {
                FileFormat.Parquet => $"read_parquet('{target}/**/*.parquet', hive_partitioning=true)",
                FileFormat.Csv => $"read_csv('{target}/**/*.csv', header=true, hive_partitioning=true)",
                _ => $"read_json('{target}/**/*.json', format='newline_delimited', hive_partitioning=true)",
            };
            var casts = string.Join(", ", columns.Select(c => $"CAST(CAST({Sql.Ident(c.Name)} AS {c.Type}) AS VARCHAR)"));
            var readBack = Reference.Canonical(Reference.Query($"SELECT {casts} FROM {scan}"));
            var expectedText = Reference.Canonical(Reference.Query($"SELECT {casts} FROM ({Views(golden)} SELECT * FROM ({golden.Reference}))"));
            AssertRows.Equal(expectedText, readBack);
            var manifest = Manifest.TryRead(target);
            Assert.NotNull(manifest);
            Assert.Equal(summary.FilesWritten, manifest.Files.Length);
        }
    }

    private static DataFrame Frame(JobSpec spec, GlintSettings settings, string home, GoldenCase golden, Execution.IWorkerPool? pool)
    {
        var session = new GlintSession(new SessionOptions { Home = home, Settings = settings, Pool = pool });
        var frames = JobPlanner.Frames(spec, session);
        return frames[golden.Result ?? golden.Transforms[^1].Name!];
    }

    private static PhysicalPlan Plan(DataFrame frame) => frame.Session.Plan([new PlannedAction(frame.Plan, new CollectSink())]);

    private static string Views(GoldenCase golden) =>
        "WITH " + string.Join(", ", golden.Sources.Select(kv => $"{kv.Key} AS (SELECT * FROM {Datasets.ReferenceScan(kv.Value)})"));

    private static List<string> ReferenceRows(GoldenCase golden) =>
        Reference.Canonical(Reference.Query($"{Views(golden)} SELECT * FROM ({golden.Reference})"));
}
