using Glint.Api;
using Glint.Catalog;
using Glint.Common;
using Glint.Execution;
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

/// <summary>Job specs and DataFrames shuffle only the columns read above the shuffle, as SQL does; a transform two targets read is still computed once.</summary>
public sealed class ColumnPruningTests
{
    private static IEnumerable<LogicalNode> Nodes(LogicalNode node) => node.Children.SelectMany(Nodes).Prepend(node);

    [Fact]
    public void A_join_shuffles_only_the_key_and_the_columns_read_after_it()
    {
        using var dir = new TempFolder("column-prune");
        var session = new GlintSession(new SessionOptions { Home = dir["home"], Settings = new GlintSettings().With("broadcast_threshold", "-1") });
        var sales = session.Read.Parquet(Datasets.Path("sales_parquet"));
        var customers = session.Read.Parquet(Datasets.Path("customers"));
        var frame = sales.Filter("qty > 0").Join(customers, ["customer"]).GroupBy("segment").Agg("sum(amount) AS total");
        var plan = session.Plan([frame.Write().ToAction(dir["out"])]);
        var maps = plan.Stages.Where(s => s.Sink is ShuffleSink && s.Pipelines.Single().Input is ScanInput).ToList();
        Assert.Equal(2, maps.Count);
        // sales: customer (key), amount (summed); qty is read by the filter inside the map task but not shuffled.
        Assert.Equal(["customer", "amount"], maps.Single(s => s.Schema.Names.Contains("amount")).Schema.Names.ToArray());
        Assert.Equal(["customer", "segment"], maps.Single(s => s.Schema.Names.Contains("segment")).Schema.Names.ToArray());
        var expected = Reference.Query($"""
            SELECT segment, sum(amount) FROM read_parquet('{Datasets.Path("sales_parquet")}/**/*.parquet', hive_partitioning = true) s
            JOIN read_parquet('{Datasets.Path("customers")}/*.parquet') c USING (customer) WHERE qty > 0 GROUP BY segment
            """);
        var actual = frame.Collect().ToDictionary(r => (string)r[0]!, r => Convert.ToDouble(r[1]));
        Assert.Equal(expected.Count, actual.Count);
        foreach (var row in expected) Assert.Equal(Convert.ToDouble(row[1]), actual[(string)row[0]!], 6);
    }

    [Fact]
    public void A_shared_transform_read_with_different_columns_keeps_what_every_reader_needs_and_is_planned_once()
    {
        using var dir = new TempFolder("column-prune-shared");
        var session = new GlintSession(new SessionOptions { Home = dir["home"], Settings = new GlintSettings().With("broadcast_threshold", "-1") });
        var joined = session.Read.Parquet(Datasets.Path("sales_parquet")).Join(session.Read.Parquet(Datasets.Path("customers")), ["customer"]);
        var a = joined.GroupBy("segment").Agg("sum(amount) AS total").Write().ToAction(dir["a"]);
        var b = joined.GroupBy("segment").Agg("max(qty) AS most").Write().ToAction(dir["b"]);
        var plan = session.Plan([a, b]);
        var salesMaps = plan.Stages.Where(s => s.Sink is ShuffleSink && s.Schema.Names.Contains("qty")).ToList();
        var map = Assert.Single(salesMaps);   // one map stage for the shared join's left side
        Assert.Equal(["customer", "amount", "qty"], map.Schema.Names.ToArray());
    }
}
