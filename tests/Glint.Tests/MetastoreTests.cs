using System.Collections.Immutable;
using Glint.Catalog;
using Glint.Common;
using Glint.Tests.Support;

namespace Glint.Tests;

/// <summary>The metastore's contract, run against both backends: SQLite (a file) and PostgreSQL (started by ./test.sh).</summary>
public abstract class MetastoreTests : IDisposable
{
    /// <summary>Where a fresh metastore lives: a SQLite path or a PostgreSQL connection string.</summary>
    protected abstract string Location { get; }
    private readonly List<IMetastore> opened = [];

    protected IMetastore Open()
    {
        var store = Metastores.Open(Location, Path.GetTempPath());
        opened.Add(store);
        return store;
    }

    public void Dispose()
    {
        foreach (var s in opened) s.Dispose();
        GC.SuppressFinalize(this);
    }

    private static TableDefinition Sales(params string[] extraColumns) => TableDefinition.Create("/data/sales", "parquet",
        [new CatalogColumn("id", "BIGINT"), new CatalogColumn("amount", "DOUBLE", "in euros"), .. extraColumns.Select(c => new CatalogColumn(c, "VARCHAR"))],
        [new CatalogColumn("day", "DATE")]);

    [Fact]
    public void Migrations_are_applied_once_and_reopening_keeps_the_data()
    {
        var store = Open();
        store.CreateDatabase("sales_db", "daily sales");
        var again = Open();
        Assert.Equal(MetastoreMigrations.All.Max(m => m.Version), ((SqlMetastore)again).SchemaVersion);
        var db = Assert.Single(again.Databases());
        Assert.Equal(("sales_db", "daily sales"), (db.Name, db.Description));
    }

    [Fact]
    public void Databases_are_created_once_and_named_in_errors()
    {
        var store = Open();
        store.CreateDatabase("a");
        Assert.Equal("a", store.EnsureDatabase("a").Name);
        store.EnsureDatabase("b");
        Assert.Equal(["a", "b"], store.Databases().Select(d => d.Name));
        Assert.Contains("database 'a' already exists", Assert.Throws<CatalogException>(() => store.CreateDatabase("a")).Message);
        Assert.Contains("database 'nope' does not exist", Assert.Throws<CatalogException>(() => store.Tables("nope")).Message);
        Assert.Contains("may hold only letters", Assert.Throws<CatalogException>(() => store.CreateDatabase("x; DROP TABLE y")).Message);
    }

    [Fact]
    public void Tables_keep_every_definition_as_a_version()
    {
        var store = Open();
        store.CreateDatabase("db");
        var v1 = store.CreateTable("db", "sales", Sales());
        Assert.Equal(1, v1.Version);
        var v2 = store.UpdateTable(v1, Sales("region"));
        Assert.Equal(2, v2.Version);
        var read = store.FindTable("db", "sales")!;
        Assert.Equal(2, read.Version);
        Assert.Equal(["id", "amount", "region"], read.Definition.Columns.Select(c => c.Name));
        Assert.Equal("in euros", read.Definition.Columns[1].Comment);
        Assert.Equal("DATE", read.Definition.PartitionKeys.Single().Type);
        var versions = store.Versions("db", "sales");
        Assert.Equal([1L, 2L], versions.Select(v => v.Version));
        Assert.Equal(2, versions[0].Definition.Columns.Length);
        Assert.Contains("already exists", Assert.Throws<CatalogException>(() => store.CreateTable("db", "sales", Sales())).Message);
    }

    [Fact]
    public void An_update_based_on_a_stale_read_is_refused_and_changes_nothing()
    {
        var store = Open();
        store.CreateDatabase("db");
        var read = store.CreateTable("db", "sales", Sales());
        var other = Open();
        other.UpdateTable(other.FindTable("db", "sales")!, Sales("by_other"));
        var e = Assert.Throws<ConcurrentUpdateException>(() => store.UpdateTable(read, Sales("lost")));
        Assert.True(e.IsRetryable);
        var now = store.FindTable("db", "sales")!;
        Assert.Equal(2, now.Version);
        Assert.Equal("by_other", now.Definition.Columns[^1].Name);
        Assert.Equal(2, store.Versions("db", "sales").Count);
    }

    [Fact]
    public void Concurrent_writers_with_retries_lose_no_update()
    {
        var store = Open();
        store.CreateDatabase("db");
        store.CreateTable("db", "t", Sales());
        const int each = 25;
        void Writer(string prefix)
        {
            var mine = Open();
            for (var i = 0; i < each; i++)
                while (true)
                {
                    var t = mine.FindTable("db", "t")!;
                    var definition = t.Definition with { Parameters = t.Definition.Parameters.SetItem($"{prefix}{i}", "x") };
                    try { mine.UpdateTable(t, definition); break; }
                    catch (ConcurrentUpdateException) { }
                }
        }
        Parallel.Invoke(() => Writer("a"), () => Writer("b"));
        var final = store.FindTable("db", "t")!;
        Assert.Equal(2 * each, final.Definition.Parameters.Count);
        Assert.Equal(2 * each + 1, final.Version);
        Assert.Equal(2 * each + 1, store.Versions("db", "t").Count);
    }

    [Fact]
    public void Partitions_are_added_replaced_deprecated_and_deleted()
    {
        var store = Open();
        store.CreateDatabase("db");
        store.CreateTable("db", "sales", Sales());
        ImmutableArray<string?> d1 = ["2024-01-01"], d2 = ["2024-01-02"], none = [null];
        store.PutPartitions("db", "sales", [
            new CatalogPartition(d1, "/data/sales/day=2024-01-01", 2, 100, 10, "f1"),
            new CatalogPartition(d2, "/data/sales/day=2024-01-02", 1, 50, null, "f2"),
            new CatalogPartition(none, "/data/sales/day=__HIVE_DEFAULT_PARTITION__", 1, 5, 1, "f3"),
        ]);
        store.PutPartitions("db", "sales", [new CatalogPartition(d2, "/data/sales/day=2024-01-02", 3, 150, 30, "f2b", PartitionState.Deprecated)]);
        var partitions = store.Partitions("db", "sales").ToDictionary(p => p.Values[0] ?? "NULL");
        Assert.Equal(3, partitions.Count);
        Assert.Equal((3L, 150L, (long?)30, PartitionState.Deprecated), (partitions["2024-01-02"].FileCount, partitions["2024-01-02"].Bytes, partitions["2024-01-02"].Rows, partitions["2024-01-02"].State));
        Assert.NotNull(partitions["2024-01-01"].Rows);
        Assert.Null(partitions["NULL"].Values[0]);
        store.DeletePartitions("db", "sales", [d1, none]);
        Assert.Equal(["2024-01-02"], store.Partitions("db", "sales").Select(p => p.Values[0]));
        store.DropTable("db", "sales");
        Assert.Null(store.FindTable("db", "sales"));
        Assert.Empty(store.Partitions("db", "sales"));
        Assert.Contains("does not exist", Assert.Throws<CatalogException>(() => store.DropTable("db", "sales")).Message);
    }

    [Fact]
    public void A_partition_is_found_by_its_values_and_replaced_in_one_step()
    {
        var store = Open();
        store.CreateDatabase("db");
        store.CreateTable("db", "sales", Sales());
        ImmutableArray<string?> d1 = ["2024-01-01"], d9 = ["2024-01-09"];
        store.PutPartitions("db", "sales", [new CatalogPartition(d1, "/data/sales/day=2024-01-01", 1, 10, 1, "f1")]);
        Assert.Equal("/data/sales/day=2024-01-01", store.FindPartition("db", "sales", d1)?.Location);
        Assert.Null(store.FindPartition("db", "sales", d9));
        store.ReplacePartition("db", "sales", d1, new CatalogPartition(d9, "/elsewhere", 0, 0, null, ""));
        Assert.Equal([("2024-01-09", "/elsewhere")], store.Partitions("db", "sales").Select(p => (p.Values[0], p.Location)));
    }

    [Fact]
    public void Only_an_archived_table_version_can_be_deleted()
    {
        var store = Open();
        store.CreateDatabase("db");
        store.CreateTable("db", "sales", Sales());
        store.UpdateTable(store.FindTable("db", "sales")!, Sales("channel"));
        var versions = store.Versions("db", "sales").Select(v => v.Version).Order().ToList();
        Assert.Equal(2, versions.Count);
        Assert.True(store.DeleteVersion("db", "sales", versions[0]));
        Assert.False(store.DeleteVersion("db", "sales", versions[0]));
        Assert.Throws<CatalogException>(() => store.DeleteVersion("db", "sales", versions[1]));
        Assert.Equal([versions[1]], store.Versions("db", "sales").Select(v => v.Version));
    }

    [Fact]
    public void Crawlers_have_one_running_crawl_at_a_time_and_abandoned_crawls_end_failed()
    {
        var resources = (IResourceStore)Open();
        var crawler = new CrawlerDefinition("nightly", "lake", [new CrawlTarget("/data/raw", ["**/_SUCCESS"])], SchemaChangePolicy.UpdateInDatabase,
            DeletePolicy.DeprecateInDatabase, "raw_");
        Assert.True(resources.CreateCrawler(crawler));
        Assert.False(resources.CreateCrawler(crawler));
        Assert.Equal(["**/_SUCCESS"], resources.FindCrawler("nightly")!.Targets[0].Exclusions.ToArray());
        Assert.True(resources.UpdateCrawler(crawler with { TablePrefix = "r_" }));
        Assert.Equal("r_", resources.FindCrawler("nightly")!.TablePrefix);
        var first = resources.StartCrawl("nightly");
        Assert.NotNull(first);
        Assert.Null(resources.StartCrawl("nightly"));
        Assert.True(resources.RequestCrawlStop("nightly"));
        Assert.True(resources.Crawls("nightly").Single().StopRequested);
        Assert.Equal(1, resources.AbandonCrawls("the server stopped"));
        var ended = resources.Crawls("nightly").Single();
        Assert.Equal((CrawlState.Failed, "the server stopped"), (ended.State, ended.Error));
        Assert.False(resources.RequestCrawlStop("nightly"));
        var second = resources.StartCrawl("nightly")!;
        resources.FinishCrawl(second.Finished(CrawlState.Succeeded, null, null));
        Assert.Equal([CrawlState.Succeeded, CrawlState.Failed], resources.Crawls("nightly").Select(c => c.State));
        Assert.True(resources.DeleteCrawler("nightly"));
        Assert.Null(resources.FindCrawler("nightly"));
        Assert.False(resources.DeleteCrawler("nightly"));
    }

    [Fact]
    public void Connections_tags_and_documents_are_kept_per_resource()
    {
        var resources = (IResourceStore)Open();
        var shop = new ConnectionDefinition("shop", "JDBC", "jdbc:postgresql://db:5432/shop", "etl");
        Assert.True(resources.CreateConnection(shop));
        Assert.False(resources.CreateConnection(shop));
        Assert.Equal("postgresql://etl@db:5432/shop", resources.FindConnection("shop")!.Location());
        Assert.True(resources.UpdateConnection(shop with { Url = "jdbc:sqlite:/data/shop.db" }));
        Assert.Equal("/data/shop.db", Assert.Single(resources.Connections()).Location());
        Assert.True(resources.DeleteConnection("shop"));
        Assert.False(resources.DeleteConnection("shop"));
        resources.Tag("job/a", new Dictionary<string, string> { ["team"] = "data", ["tier"] = "gold" });
        resources.Tag("job/a", new Dictionary<string, string> { ["tier"] = "silver" });
        resources.Untag("job/a", ["team", "absent"]);
        Assert.Equal(new Dictionary<string, string> { ["tier"] = "silver" }, resources.Tags("job/a"));
        Assert.Empty(resources.Tags("job/b"));
        resources.SetDocument("table", "db.t#1", "{\"a\":1}");
        resources.SetDocument("table", "db.t#2", "{\"a\":2}");
        resources.SetDocument("table", "db.u#1", "{}");
        Assert.Equal(["db.t#1", "db.t#2"], resources.Documents("table", "db.t#").Keys.Order());
        resources.SetDocument("table", "db.t#1", null);
        Assert.Null(resources.Document("table", "db.t#1"));
        Assert.Equal("{\"a\":2}", resources.Document("table", "db.t#2"));
    }
}

[Trait("needs", "postgresql")]
public sealed class SqliteMetastoreTests : MetastoreTests
{
    private readonly TempFolder folder = new("metastore-sqlite");
    protected override string Location => folder["metastore.db"];
}

[Trait("needs", "postgresql")]
public sealed class PostgresMetastoreTests : MetastoreTests
{
    private readonly string database = Postgres.NewDatabase();
    protected override string Location => database;
}
