using Glint.Api;
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
        Assert.Equal(["id", "k", "twice", "day"], df.Schema.Names.Where(n => n != "day").Append("day").ToArray());
        var summary = df.Write().PartitionBy("day").Mode(WriteMode.Overwrite).Save(dir["out"]);
        Assert.True(summary.Succeeded);
        var expected = Reference.Query($"SELECT count(*) FROM read_parquet('{dir["in"]}/**/*.parquet') WHERE k > 2")[0][0];
        var actual = Reference.Query($"SELECT count(*) FROM read_parquet('{dir["out"]}/**/*.parquet', hive_partitioning=true)")[0][0];
        Assert.Equal(expected, actual);
        Assert.Equal(Convert.ToInt64(expected), df.Count());
        Assert.True(File.Exists(dir["out/_SUCCESS"]));
    }
}
