using Glint.Api;
using Glint.Catalog;
using Glint.Common;
using Glint.Execution;
using Glint.Jobs;
using Glint.Tests.Support;

namespace Glint.Tests;

/// <summary>Writing to catalog tables: created on the first write, partitions registered after the commit, additive evolution, nothing on failure.</summary>
public sealed class TableWriteTests : IDisposable
{
    private readonly TempFolder dir = new("table-writes");
    private readonly GlintSession session;

    public TableWriteTests() => session = new GlintSession(new SessionOptions { Home = dir["home"], Metastore = dir["metastore.db"] });

    public void Dispose() => dir.Dispose();

    private DataFrame Sales(string where) => session.Read.Parquet(Datasets.Path("sales_parquet")).Filter(where).Select("id", "customer", "amount", "day");

    [Fact]
    public void The_first_write_creates_the_table_and_later_ones_add_partitions_and_columns()
    {
        var first = Sales("day <= DATE '2024-01-02'").Write().PartitionBy("day").SaveAsTable("lake.daily", dir["lake/daily"]);
        var table = session.Catalog.FindTable("lake", "daily")!;
        Assert.Equal((1L, "parquet", dir["lake/daily"]), (table.Version, table.Definition.Format, table.Definition.Location));
        Assert.Equal(["id", "customer", "amount"], table.Definition.Columns.Select(c => c.Name));
        Assert.Equal(("day", "DATE"), (table.Definition.PartitionKeys.Single().Name, table.Definition.PartitionKeys.Single().Type));
        var partitions = session.Catalog.Partitions("lake", "daily");
        Assert.Equal(["2024-01-01", "2024-01-02"], partitions.Select(p => p.Values[0]));
        Assert.Equal(first.RowsOut, partitions.Sum(p => p.Rows));

        // A crawl of what the write registered finds nothing to change.
        Assert.True(new FolderCrawler(session.Catalog, new CrawlerOptions("lake")).Crawl(dir["lake/daily"]).NoChange);

        session.Read.Parquet(Datasets.Path("sales_parquet")).Filter("day = DATE '2024-01-03'").Select("id", "customer", "amount", "day", "qty")
            .Write().SaveAsTable("lake.daily");
        table = session.Catalog.FindTable("lake", "daily")!;
        Assert.Equal(2, table.Version);
        Assert.Equal("qty", table.Definition.Columns[^1].Name);
        Assert.Equal(3, session.Catalog.Partitions("lake", "daily").Count);

        var all = session.Table("lake.daily").Collect();
        var expected = Reference.Query($"SELECT count(*) FROM read_parquet('{Datasets.Path("sales_parquet")}/**/*.parquet', hive_partitioning=true) WHERE day <= DATE '2024-01-03'")[0][0];
        Assert.Equal(Convert.ToInt64(expected), all.Count);
        var recent = session.Table("lake.daily", "day = DATE '2024-01-03'");
        Assert.Equal(all.Count - first.RowsOut, recent.Count());
    }

    [Fact]
    public void A_table_that_forbids_evolution_refuses_new_columns_before_any_task_runs()
    {
        Sales("day = DATE '2024-01-01'").Write().PartitionBy("day").SaveAsTable("lake.strict", dir["lake/strict"]);
        var table = session.Catalog.FindTable("lake", "strict")!;
        session.Catalog.UpdateTable(table, table.Definition with { Parameters = table.Definition.Parameters.SetItem(TableWrites.EvolutionParameter, "none") });
        var files = Directory.GetFiles(dir["lake/strict"], "*", SearchOption.AllDirectories).Order().ToList();
        var e = Assert.Throws<CatalogException>(() =>
            session.Read.Parquet(Datasets.Path("sales_parquet")).Filter("day = DATE '2024-01-02'").Select("id", "customer", "amount", "day", "note").Write().SaveAsTable("lake.strict"));
        Assert.Contains("columns [note] are new and the table's schema_evolution is none", e.Message);
        Assert.Equal(files, Directory.GetFiles(dir["lake/strict"], "*", SearchOption.AllDirectories).Order());
        var mismatch = Assert.Throws<CatalogException>(() => Sales("true").Write().PartitionBy("customer").SaveAsTable("lake.strict"));
        Assert.Contains("partitioned by [day], not [customer]", mismatch.Message);
        var type = Assert.Throws<CatalogException>(() => Sales("true").WithColumn("amount", "CAST(amount AS VARCHAR)").Write().SaveAsTable("lake.strict"));
        Assert.Contains("column 'amount' changed type", type.Message);
    }

    [Fact]
    public void A_failed_run_adds_no_table_and_no_partition()
    {
        var bad = session.Read.Parquet(Datasets.Path("sales_parquet")).WithColumn("folder", "CASE WHEN id % 100 = 7 THEN '../x' ELSE 'ok' END");
        Assert.Throws<TaskFailedException>(() => bad.Write().PartitionBy("folder").SaveAsTable("lake.failed", dir["lake/failed"]));
        Assert.Null(session.Catalog.FindTable("lake", "failed"));
    }

    [Fact]
    public void A_job_target_names_a_table()
    {
        var spec = JobSpecLoader.Parse($$"""
            name: to_table
            sources:
              sales: { path: {{Datasets.Path("sales_parquet")}} }
            transforms:
              - { name: per_day, sql: "SELECT day, count(*) AS n FROM sales GROUP BY day" }
            targets:
              - { from: per_day, table: lake.per_day, path: {{dir["lake/per_day"]}}, partition_by: [day] }
            """, dir.Path);
        var jobSession = new GlintSession(JobPlanner.Options(spec, new SessionOptions { Home = dir["home"], Metastore = dir["metastore.db"] }));
        jobSession.Run(JobPlanner.Actions(spec, jobSession));
        Assert.Equal(5, jobSession.Catalog.Partitions("lake", "per_day").Count);
        Assert.Equal(5, jobSession.Table("lake.per_day").Count());
    }
}
