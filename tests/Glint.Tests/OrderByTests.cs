using Glint.Api;
using Glint.Common;
using Glint.Execution;
using Glint.Tests.Support;

namespace Glint.Tests;

public sealed class OrderByTests
{
    [Fact]
    public void Ordered_output_files_read_in_name_order_are_sorted_and_come_from_several_reducers()
    {
        using var dir = new TempFolder("order");
        // A tiny advisory size keeps adaptive execution from coalescing the eight ranges into one task.
        var session = new GlintSession(new SessionOptions { Home = dir["home"], Settings = new GlintSettings { ShufflePartitions = 8, AdvisoryPartitionSize = 1, FuseLocalExchanges = false } });
        var summary = session.Read.Parquet(Datasets.Path("sales_parquet")).Select("id", "amount").OrderBy("amount", "id")
            .Write().Save(dir["out"]);
        var reducers = summary.Stages.Last();
        Assert.True(reducers.Tasks >= 4, $"expected the rows spread over several reducers, got {reducers.Tasks}");
        Assert.True(summary.FilesWritten >= 4);

        var files = Directory.GetFiles(dir["out"], "*.parquet").Order(StringComparer.Ordinal).ToList();
        var rows = files.SelectMany(f => Reference.Query($"SELECT id, amount FROM read_parquet('{f}')")).ToList();
        var expected = Reference.Query($"SELECT id, amount FROM {Datasets.ReferenceScan("sales_parquet")} ORDER BY amount NULLS LAST, id");
        AssertRows.Equal(Reference.Ordered(expected), Reference.Ordered(rows));
    }

    [Fact]
    public void Bad_sort_keys_are_refused()
    {
        var frame = new GlintSession(new SessionOptions { Home = Path.GetTempPath() }).Read.Parquet(Datasets.Path("sales_parquet"));
        Assert.Contains("'amout'", Assert.Throws<Common.PlanException>(() => frame.OrderBy("amout")).Message);
        Assert.Contains("[ASC|DESC]", Assert.Throws<Common.PlanException>(() => frame.OrderBy("amount SIDEWAYS")).Message);
    }
}
