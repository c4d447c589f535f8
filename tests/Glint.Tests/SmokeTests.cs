using Glint.Api;
using Glint.Common;
using Glint.Execution;
using Glint.Storage;
using Glint.Tests.Support;

namespace Glint.Tests;

public sealed class SmokeTests
{
    [Fact]
    public void Reads_filters_and_writes_partitioned_parquet()
    {
        using var dir = new TempFolder();
        Reference.Execute($"COPY (SELECT range AS id, range % 7 AS k, DATE '2024-01-01' + (range % 3)::INT AS day FROM range(1000)) TO '{dir["in"]}' (FORMAT PARQUET, PARTITION_BY (day))");
        var session = new GlintSession(new SessionOptions { Home = dir["home"] });
        var df = session.Read.Parquet(dir["in"]).Filter("k > 2").WithColumn("twice", "id * 2");
        Assert.Equal(["id", "k", "day", "twice"], df.Schema.Names.ToArray()); // partition column after the file's, new column last
        var summary = df.Write().PartitionBy("day").Mode(WriteMode.Overwrite).Save(dir["out"]);
        Assert.True(summary.Succeeded);
        Assert.Equal(1000, summary.RowsIn); // exact, from the Parquet footers
        var expected = Reference.Query($"SELECT count(*) FROM read_parquet('{dir["in"]}/**/*.parquet') WHERE k > 2")[0][0];
        var actual = Reference.Query($"SELECT count(*) FROM read_parquet('{dir["out"]}/**/*.parquet', hive_partitioning=true)")[0][0];
        Assert.Equal(expected, actual);
        Assert.Equal(Convert.ToInt64(expected), df.Count());
        Assert.True(File.Exists(dir["out/_SUCCESS"]));
    }

    [Fact]
    public void Summary_counts_rows_tasks_and_cost()
    {
        using var dir = new TempFolder();
        var session = new GlintSession(new SessionOptions
        {
            Home = dir["home"],
            WorkerType = Glint.Execution.WorkerType.G1X,
            NumberOfWorkers = 3,
            Settings = new GlintSettings { GroupFiles = false },
        });
        var summary = session.Read.Parquet(Datasets.Path("sales_parquet")).Filter("qty > 3").Write().Save(dir["out"]);
        Assert.Equal(Datasets.Files * 300, summary.RowsIn);
        Assert.Equal(Convert.ToInt64(Reference.Query($"SELECT count(*) FROM {Datasets.ReferenceScan("sales_parquet")} WHERE qty > 3")[0][0]), summary.RowsOut);
        Assert.Equal(Datasets.Files, summary.Tasks);
        Assert.Equal(3 * 1.0 * 60, summary.DpuSeconds, 3); // 3 workers × 1 DPU × the 60 s minimum
        Assert.Equal(180 / 3600.0 * 0.44, summary.Cost, 6);
        Assert.Equal(12, session.Options.Slots);

        var csv = session.Read.Csv(Datasets.Path("sales_csv")).Write().Save(dir["out-csv"]);
        Assert.Null(csv.RowsIn); // CSV input rows are not counted
        Assert.Equal(Datasets.Files * 300, csv.RowsOut);
    }
}
