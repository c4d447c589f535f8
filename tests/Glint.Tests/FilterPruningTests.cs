using Glint.Api;
using Glint.Catalog;
using Glint.Jobs;
using Glint.Plan;
using Glint.Tests.Support;

namespace Glint.Tests;

/// <summary>Filters written outside SQL — a job spec's filter, DataFrame.Filter, a filtered catalog table — prune partitions as a SQL WHERE does.</summary>
public sealed class FilterPruningTests
{
    private static readonly string Sales = Datasets.Path("sales_parquet");

    private static IEnumerable<LogicalNode> Nodes(LogicalNode node) => node.Children.SelectMany(Nodes).Prepend(node);

    private static int Files(DataFrame frame) => Nodes(frame.Plan).OfType<ScanNode>().Single().Source.Files.Length;

    private static int FilesOn(params string[] days) =>
        Directory.GetFiles(Sales, "*.parquet", SearchOption.AllDirectories).Count(f => days.Any(d => f.Contains($"day={d}")));

    private static GlintSession Session(TempFolder dir) => new(new SessionOptions { Home = dir["home"] });

    [Fact]
    public void A_dataframe_filter_on_a_partition_column_reads_only_the_matching_folders_and_keeps_the_rows_exact()
    {
        using var dir = new TempFolder("filter-prune");
        var all = Session(dir).Read.Parquet(Sales);
        var frame = all.Filter("day = DATE '2024-01-03' AND qty > 0");
        Assert.Equal(FilesOn("2024-01-03"), Files(frame));
        Assert.True(Files(frame) < Files(all));
        var expected = Reference.Query($"SELECT count(*) FROM read_parquet('{Sales}/**/*.parquet', hive_partitioning = true) WHERE day = DATE '2024-01-03' AND qty > 0");
        Assert.Equal(Convert.ToInt64(expected[0][0]), frame.Count());
        // Through a projection that keeps the column, and a disjunction on partitions only.
        var projected = all.Select("id", "qty", "day").Filter("day IN (DATE '2024-01-02', DATE '2024-01-05') OR day IS NULL");
        Assert.Equal(FilesOn("2024-01-02", "2024-01-05"), Files(projected));
        // A conjunct mixing a partition column with another column prunes nothing, but the result is the same.
        Assert.Equal(Files(all), Files(all.Filter("day = DATE '2024-01-03' OR qty > 5")));
        // A projection that computes the name anew (day shifted) must not prune by the folder value.
        Assert.Equal(Files(all), Files(all.Select("id", "day + 1 AS day").Filter("day = DATE '2024-01-03'")));
    }

    [Fact]
    public void A_job_spec_filter_prunes_as_its_sql_does()
    {
        using var dir = new TempFolder("filter-prune-spec");
        var spec = JobSpecLoader.Parse($$"""
            name: pruned
            sources:
              sales: { path: {{Sales}} }
            transforms:
              - { name: march, from: sales, filter: "day = DATE '2024-01-03' AND amount > 0" }
              - { name: by_sql, sql: "SELECT * FROM sales WHERE day = DATE '2024-01-03' AND amount > 0" }
            targets:
              - { from: march, path: {{dir["a"]}} }
              - { from: by_sql, path: {{dir["b"]}} }
            """, dir.Path);
        var frames = JobPlanner.Frames(spec, Session(dir));
        Assert.Equal(FilesOn("2024-01-03"), Files(frames["march"]));
        Assert.Equal(Files(frames["by_sql"]), Files(frames["march"]));
    }

    [Fact]
    public void A_catalog_table_filtered_in_a_transform_reads_only_the_matching_partitions()
    {
        using var dir = new TempFolder("filter-prune-catalog");
        var session = Session(dir);
        using (var store = Metastores.Open(null, dir["home"]))
        {
            store.CreateDatabase("lake");
            new FolderCrawler(store, new CrawlerOptions("lake")).Crawl(Sales);
        }
        var table = session.Catalog.Tables("lake").Single().Name;
        var all = session.Table($"lake.{table}");
        var frame = all.Filter("day = DATE '2024-01-03'");
        Assert.Equal(FilesOn("2024-01-03"), Files(frame));
        Assert.True(Files(frame) < Files(all));
    }
}
