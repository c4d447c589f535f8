using Glint.Api;
using Glint.Catalog;
using Glint.Common;
using Glint.Execution;
using Glint.Plan;
using Glint.Storage;
using Glint.Tests.Support;

namespace Glint.Tests;

/// <summary>Crawling a realistic folder layout into the catalog, re-crawling it, and reading its tables by name with partition pruning.</summary>
public sealed class CrawlerTests : IDisposable
{
    private readonly TempFolder dir = new("crawler");
    private readonly IMetastore store;

    public CrawlerTests() => store = Metastores.Open(dir["metastore.db"], dir.Path);

    public void Dispose() => dir.Dispose();

    private static void Parquet(string path, string query)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        Reference.Execute($"COPY ({query}) TO '{path}' (FORMAT PARQUET)");
    }

    /// <summary>
    /// data/sales: year=/month=/day= Parquet partitions, 'discount' only from month=02 on, with _SUCCESS,
    /// hidden and temporary files; data/customers: CSV files; data/events: JSON lines; data/empty: nothing;
    /// data/regions/eu and data/regions/us: one dataset split by plain folders.
    /// </summary>
    private string Layout()
    {
        var data = dir["data"];
        foreach (var (month, day, withDiscount) in new[] { ("01", "05", false), ("01", "06", false), ("02", "01", true), ("02", "02", true) })
            for (var f = 0; f < 2; f++)
                Parquet($"{data}/sales/year=2024/month={month}/day={day}/part-{f}.parquet",
                    $"SELECT range + {f * 100} AS id, range * 1.5 AS amount{(withDiscount ? ", 0.1 AS discount" : "")} FROM range(10)");
        File.WriteAllText($"{data}/sales/_SUCCESS", "");
        File.WriteAllText($"{data}/sales/.hidden", "x");
        File.WriteAllText($"{data}/sales/year=2024/month=01/day=05/part-9.parquet.tmp", "partial");
        Directory.CreateDirectory($"{data}/sales/_glint_temporary/run-1");
        File.WriteAllText($"{data}/sales/_glint_temporary/run-1/x.parquet", "junk");
        Directory.CreateDirectory($"{data}/customers");
        File.WriteAllText($"{data}/customers/a.csv", "customer_id,name\n1,ann\n2,bob\n");
        File.WriteAllText($"{data}/customers/b.csv", "customer_id,name\n3,cid\n");
        Directory.CreateDirectory($"{data}/events");
        File.WriteAllText($"{data}/events/e.json", "{\"kind\": \"click\", \"n\": 1}\n{\"kind\": \"view\", \"n\": 2}\n");
        Directory.CreateDirectory($"{data}/empty");
        Parquet($"{data}/regions/eu/part-0.parquet", "SELECT 'eu' AS r, range AS v FROM range(3)");
        Parquet($"{data}/regions/us/part-0.parquet", "SELECT 'us' AS r, range AS v FROM range(4)");
        return data;
    }

    private CrawlResult Crawl(string path, CrawlerOptions? options = null) => new FolderCrawler(store, options ?? new CrawlerOptions("lake")).Crawl(path);

    [Theory]
    [InlineData("**/_SUCCESS", "sales/_SUCCESS", true)]
    [InlineData("**/_SUCCESS", "_SUCCESS", false)]
    [InlineData("**.tmp", "sales/year=2024/part-9.parquet.tmp", true)]
    [InlineData("*.csv", "a.csv", true)]
    [InlineData("*.csv", "customers/a.csv", false)]
    [InlineData("customers/**", "customers/a.csv", true)]
    [InlineData("customers/{a,b}.csv", "customers/b.csv", true)]
    [InlineData("customers/{a,b}.csv", "customers/c.csv", false)]
    [InlineData("part-?.parquet", "part-1.parquet", true)]
    [InlineData("part-?.parquet", "part-10.parquet", false)]
    [InlineData("part-[0-4].parquet", "part-3.parquet", true)]
    [InlineData("part-[0-4].parquet", "part-7.parquet", false)]
    public void Exclusion_globs_match_as_Glue_crawlers_match_them(string glob, string relative, bool excluded) =>
        Assert.Equal(excluded, new ExclusionGlobs([glob]).ExcludesFile(relative));

    [Fact]
    public void Exclusions_leave_out_files_and_folders_and_a_table_prefix_names_the_tables()
    {
        var data = Layout();
        var result = Crawl(data, new CrawlerOptions("lake") { TablePrefix = "raw_", Exclusions = ["events/**", "regions", "sales/year=2024/month=02/**"] });
        Assert.Equal(["lake.raw_customers", "lake.raw_sales"], result.TablesCreated.Order());
        Assert.Null(store.FindTable("lake", "sales"));
        // month=02 is left out: only January's partitions, and not the discount column only February's files have.
        Assert.Equal(["01", "01"], store.Partitions("lake", "raw_sales").Select(p => p.Values[1]));
        Assert.DoesNotContain("discount", store.FindTable("lake", "raw_sales")!.Definition.Columns.Select(c => c.Name));
    }

    [Fact]
    public void A_realistic_layout_yields_the_expected_tables_and_a_second_crawl_changes_nothing()
    {
        var data = Layout();
        var first = Crawl(data);
        Assert.Equal(["lake.customers", "lake.events", "lake.regions", "lake.sales"], first.TablesCreated.Order());
        Assert.Contains(first.Warnings, w => w.Contains("empty") && w.Contains("no table"));

        var sales = store.FindTable("lake", "sales")!;
        Assert.Equal(1, sales.Version);
        Assert.Equal("parquet", sales.Definition.Format);
        Assert.Equal([("id", "BIGINT"), ("amount", "DECIMAL(21,1)"), ("discount", "DECIMAL(2,1)")], sales.Definition.Columns.Select(c => (c.Name, c.Type)));
        Assert.Equal([("year", "BIGINT"), ("month", "VARCHAR"), ("day", "VARCHAR")], sales.Definition.PartitionKeys.Select(c => (c.Name, c.Type)));
        var partitions = store.Partitions("lake", "sales");
        Assert.Equal(4, partitions.Count);
        Assert.All(partitions, p => Assert.Equal((2L, (long?)20), (p.FileCount, p.Rows)));
        Assert.Contains(partitions, p => p.Values.SequenceEqual(["2024", "02", "01"]));

        var customers = store.FindTable("lake", "customers")!;
        Assert.Equal("csv", customers.Definition.Format);
        Assert.Equal(["customer_id", "name"], customers.Definition.Columns.Select(c => c.Name));
        Assert.Equal(("true", ","), (customers.Definition.FormatOptions["header"], customers.Definition.FormatOptions["delimiter"]));
        Assert.Equal("json", store.FindTable("lake", "events")!.Definition.Format);
        var regions = store.FindTable("lake", "regions")!;
        Assert.Equal(["partition_0"], regions.Definition.PartitionKeys.Select(k => k.Name));
        Assert.Equal(["eu", "us"], store.Partitions("lake", "regions").Select(p => p.Values[0]));

        var second = Crawl(data);
        Assert.True(second.NoChange, $"second crawl changed: created {second.TablesCreated.Count}, updated {string.Join(",", second.TablesUpdated)}, partitions +{second.PartitionsAdded} ~{second.PartitionsUpdated}");
        Assert.Equal(4 + 1 + 1 + 2, second.PartitionsUnchanged); // sales, customers, events, regions
        Assert.Equal(1, store.FindTable("lake", "sales")!.Version);
    }

    [Fact]
    public void Recrawls_add_columns_as_versions_deprecate_vanished_partitions_and_log_incompatible_changes()
    {
        var data = Layout();
        Crawl(data);
        Parquet($"{data}/sales/year=2024/month=03/day=01/part-0.parquet", "SELECT 1::BIGINT AS id, 2.5 AS amount, 0.2 AS discount, 'web' AS channel");
        Directory.Delete($"{data}/sales/year=2024/month=01/day=05", recursive: true);
        var result = Crawl(data);
        Assert.Equal(["lake.sales"], result.TablesUpdated);
        Assert.Equal((1, 1), (result.PartitionsAdded, result.PartitionsDeprecated));
        var sales = store.FindTable("lake", "sales")!;
        Assert.Equal(2, sales.Version);
        Assert.Equal("channel", sales.Definition.Columns[^1].Name);
        Assert.Equal([1L, 2L], store.Versions("lake", "sales").Select(v => v.Version));
        Assert.Contains(store.Partitions("lake", "sales"), p => p.Values[2] == "05" && p.State == PartitionState.Deprecated);

        // An incompatible change (id becomes text) is logged and leaves the table as it was.
        Parquet($"{data}/sales/year=2024/month=03/day=02/part-0.parquet", "SELECT 'x' AS id, 2.5 AS amount");
        var logged = Crawl(data);
        Assert.Contains(logged.Warnings, w => w.Contains("column 'id' changed type from BIGINT to VARCHAR") && w.Contains("LOG"));
        Assert.Equal(2, store.FindTable("lake", "sales")!.Version);
        var updated = Crawl(data, new CrawlerOptions("lake") { SchemaPolicy = SchemaChangePolicy.UpdateInDatabase });
        Assert.Equal(["lake.sales"], updated.TablesUpdated);
        Assert.Equal("VARCHAR", store.FindTable("lake", "sales")!.Definition.Columns[0].Type);
    }

    [Fact]
    public void A_column_dropped_from_every_partition_is_logged_or_removed_by_policy()
    {
        var data = Layout();
        Crawl(data);
        Directory.Delete($"{data}/sales", recursive: true);
        foreach (var day in new[] { "05", "06" })
            Parquet($"{data}/sales/year=2024/month=01/day={day}/part-0.parquet", "SELECT range AS id FROM range(3)");
        var logged = Crawl(data, new CrawlerOptions("lake") { DeletePolicy = DeletePolicy.DeleteFromDatabase });
        Assert.Contains(logged.Warnings, w => w.Contains("column 'amount' was dropped") && w.Contains("LOG"));
        Assert.Contains("amount", store.FindTable("lake", "sales")!.Definition.Columns.Select(c => c.Name));
        var updated = Crawl(data, new CrawlerOptions("lake") { SchemaPolicy = SchemaChangePolicy.UpdateInDatabase });
        Assert.Equal(["id"], store.FindTable("lake", "sales")!.Definition.Columns.Select(c => c.Name));
        Assert.Equal(["lake.sales"], updated.TablesUpdated);
    }

    [Fact]
    public void Delete_policies_delete_or_only_log_vanished_partitions()
    {
        var data = Layout();
        Crawl(data);
        Directory.Delete($"{data}/sales/year=2024/month=02/day=02", recursive: true);
        var logged = Crawl(data, new CrawlerOptions("lake") { DeletePolicy = DeletePolicy.Log });
        Assert.Contains(logged.Warnings, w => w.Contains("day=02") && w.Contains("vanished"));
        Assert.Equal(4, store.Partitions("lake", "sales").Count(p => p.State == PartitionState.Active));
        var deleted = Crawl(data, new CrawlerOptions("lake") { DeletePolicy = DeletePolicy.DeleteFromDatabase });
        Assert.Equal(1, deleted.PartitionsRemoved);
        Assert.Equal(3, store.Partitions("lake", "sales").Count);
    }

    [Fact]
    public void Bad_files_and_folders_become_warnings_and_the_catalog_stays_consistent()
    {
        var data = Layout();
        File.WriteAllBytes($"{data}/sales/year=2024/month=02/day=02/part-7.parquet", [.. "PAR1"u8, 1, 2, 3, 4, 5, 6, 7, 8, .. "PAR1"u8]);
        File.WriteAllText($"{data}/customers/c.csv", "customer_id,name\n4,dan\n5,eve,extra,fields\n");
        Parquet($"{data}/sales/year=2024/date=2024-02-03/day=01/part-0.parquet", "SELECT 1::BIGINT AS id, 1.0 AS amount");
        var result = Crawl(data);
        Assert.Contains(result.Warnings, w => w.Contains("day=02") && w.Contains("cannot read as parquet"));
        Assert.Contains(result.Warnings, w => w.Contains("c.csv") && w.Contains("not Parquet, JSON lines or consistently delimited text"));
        Assert.Contains(result.Warnings, w => w.Contains("date=2024-02-03") && w.Contains("conflict"));
        Assert.Equal(3, store.Partitions("lake", "sales").Count);  // the unreadable partition is left out

        Parquet($"{data}/sales/year=abc/month=09/day=09/part-0.parquet", "SELECT 1::BIGINT AS id, 1.0 AS amount");
        var again = Crawl(data);
        Assert.Contains(again.Warnings, w => w.Contains("'abc' is not a valid BIGINT for partition key 'year'"));
        Assert.DoesNotContain(store.Partitions("lake", "sales"), p => p.Values[0] == "abc");
    }

    [Fact]
    public void Reading_a_table_by_name_prunes_partitions_in_the_metastore_before_listing()
    {
        var data = Layout();
        Crawl(data);
        var session = new GlintSession(new SessionOptions { Home = dir["home"], Metastore = dir["metastore.db"] });
        // A pruned partition's folder is never listed: deleting it does not disturb a read that prunes it.
        Directory.Delete($"{data}/sales/year=2024/month=01/day=06", recursive: true);
        var frame = session.Table("lake.sales", "month = '02' AND year = 2024");
        var scan = Assert.IsType<ScanNode>(frame.Plan);
        Assert.Equal(4, scan.Source.Files.Length);
        Assert.All(scan.Source.Files, f => Assert.Contains("month=02", f.Path));
        Assert.Equal(new CatalogScan("lake.sales", "month = '02' AND year = 2024", 2, 4), scan.Source.Catalog);
        Assert.Contains("table lake.sales: 2 of 4 partitions kept by month = '02' AND year = 2024", frame.Explain());
        var rows = frame.Collect();
        Assert.Equal(40, rows.Count);
        Assert.Equal(40, Reference.Query($"SELECT * FROM read_parquet('{data}/sales/year=2024/month=02/*/*.parquet')").Count);
        Assert.All(rows, r => Assert.Equal("02", r[4]));

        // A table partitioned by plain folder names reads its values from the catalog.
        var regions = session.Table("lake.regions").Collect().Select(r => $"{r[0]}|{r[1]}|{r[2]}").Order().ToList();
        Assert.Equal(["eu|0|eu", "eu|1|eu", "eu|2|eu", "us|0|us", "us|1|us", "us|2|us", "us|3|us"], regions);
        Assert.Equal(4, session.Table("lake.regions", "partition_0 = 'us'").Count());

        var everything = Assert.Throws<SourceException>(() => session.Table("lake.sales"));
        Assert.Contains("day=06' is gone since the last crawl", everything.Message);
    }

    [Fact]
    public void Sql_and_job_sources_read_catalog_tables_by_qualified_name()
    {
        var data = Layout();
        Crawl(data);
        var session = new GlintSession(new SessionOptions { Home = dir["home"], Metastore = dir["metastore.db"] });
        // The WHERE on partition columns prunes partitions before their folders are listed: a gone, pruned folder is never noticed.
        Directory.Delete($"{data}/sales/year=2024/month=01/day=06", recursive: true);
        const string query = "SELECT month, count(*) AS n, count(discount) AS discounted FROM lake.sales WHERE day = '05' OR month = '02' GROUP BY month ORDER BY month";
        var frame = session.Sql(query, new Dictionary<string, DataFrame>());
        Assert.Contains("table lake.sales: 3 of 4 partitions kept by", frame.Explain());
        var rows = frame.Collect();
        Assert.Equal(["01 | 20 | 0", "02 | 40 | 40"], rows.Select(r => string.Join(" | ", r.Select(Reference.Format))));
        var unknown = Assert.Throws<CatalogException>(() => session.Sql("SELECT * FROM lake.nope", new Dictionary<string, DataFrame>()));
        Assert.Contains("table 'lake.nope' does not exist in the catalog", unknown.Message);
        Assert.Contains("tables in 'lake': customers, events, regions, sales", unknown.Message);
    }

    [Theory]
    [InlineData("amount > 5", "'amount' is not a partition column; a push-down predicate may use only year, month, day")]
    [InlineData("month = '01'); DROP TABLE glint_tables; --", "push_down_predicate")]
    [InlineData("month IN (SELECT 1)", "push_down_predicate")]
    public void Bad_push_down_predicates_are_refused(string predicate, string message)
    {
        Crawl(Layout());
        var session = new GlintSession(new SessionOptions { Home = dir["home"], Metastore = dir["metastore.db"] });
        var e = Assert.ThrowsAny<GlintException>(() => session.Table("lake.sales", predicate));
        Assert.Contains(message, e.Message);
        Assert.NotNull(store.FindTable("lake", "sales"));
    }
}
