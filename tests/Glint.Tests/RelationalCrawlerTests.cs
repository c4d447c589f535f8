using Glint.Catalog;
using Glint.Common;
using Glint.Tests.Support;
using Microsoft.Data.Sqlite;
using Npgsql;

namespace Glint.Tests;

/// <summary>Crawling a SQLite file and a PostgreSQL database: one catalog table per table or view, types mapped, re-crawls versioned.</summary>
[Trait("needs", "postgresql")]
public sealed class RelationalCrawlerTests : IDisposable
{
    private readonly TempFolder dir = new("relational-crawler");
    private readonly IMetastore store;

    public RelationalCrawlerTests() => store = Metastores.Open(dir["metastore.db"], dir.Path);

    public void Dispose() => dir.Dispose();

    private CrawlResult Crawl(string location) => new RelationalCrawler(store, new CrawlerOptions("ops")).Crawl(location);

    [Fact]
    public void A_sqlite_file_becomes_one_table_per_table_and_view()
    {
        var path = dir["shop.db"];
        using (var c = new SqliteConnection($"Data Source={path}"))
        {
            c.Open();
            Db.Execute(c, """
                CREATE TABLE orders (id INTEGER PRIMARY KEY, customer TEXT NOT NULL, total NUMERIC(10,2), weight REAL, placed DATE, shipped DATETIME, paid BOOLEAN, note BLOB);
                CREATE VIEW big_orders AS SELECT id, total FROM orders WHERE total > 100;
                """);
        }
        Assert.True(RelationalCrawler.Handles(path));
        var result = Crawl(path);
        Assert.Equal(["ops.big_orders", "ops.orders"], result.TablesCreated.Order());
        var orders = store.FindTable("ops", "orders")!;
        Assert.Equal("sqlite", orders.Definition.Format);
        Assert.Equal(
            [("id", "BIGINT"), ("customer", "VARCHAR"), ("total", "DECIMAL(10,2)"), ("weight", "DOUBLE"), ("placed", "DATE"), ("shipped", "TIMESTAMP"), ("paid", "BOOLEAN"), ("note", "BLOB")],
            orders.Definition.Columns.Select(c => (c.Name, c.Type)));
        Assert.Equal("view", store.FindTable("ops", "big_orders")!.Definition.Parameters["object_type"]);
        Assert.True(Crawl(path).NoChange);

        using (var c = new SqliteConnection($"Data Source={path}"))
        {
            c.Open();
            Db.Execute(c, "ALTER TABLE orders ADD COLUMN channel TEXT");
        }
        Assert.Equal(["ops.orders"], Crawl(path).TablesUpdated);
        Assert.Equal(2, store.FindTable("ops", "orders")!.Version);
        Assert.Equal("channel", store.FindTable("ops", "orders")!.Definition.Columns[^1].Name);

        using (var c = new SqliteConnection($"Data Source={path}"))
        {
            c.Open();
            Db.Execute(c, "INSERT INTO orders (id, customer, total, placed, paid, channel) VALUES (1, 'Zoë', 12.5, '2024-02-29', 1, 'web'), (2, 'Ann', NULL, NULL, 0, NULL)");
        }
        var read = new Glint.Api.GlintSession(new() { Home = dir["home"], Metastore = dir["metastore.db"] }).Table("ops.orders")
            .Select("id", "customer", "CAST(total AS VARCHAR)", "CAST(placed AS VARCHAR)", "paid", "channel").OrderBy("id").Collect();
        Assert.Equal(["1|Zoë|12.50|2024-02-29|True|web", "2|Ann|||False|"], read.Select(r => string.Join("|", r)));
    }

    [Fact]
    public void A_postgresql_database_maps_types_faithfully_and_keeps_no_password()
    {
        var connection = Postgres.NewDatabase();
        using (var c = new NpgsqlConnection(connection))
        {
            c.Open();
            Db.Execute(c, """
                CREATE TABLE accounts (id bigint PRIMARY KEY, name text, balance numeric(12,3), rate double precision, small smallint,
                    opened date, seen timestamp, seen_tz timestamptz, active boolean, key uuid, doc jsonb, raw bytea, huge numeric(50,2));
                CREATE VIEW rich AS SELECT id, balance FROM accounts WHERE balance > 1000;
                CREATE SCHEMA audit;
                CREATE TABLE audit.events (at timestamptz, what varchar(20));
                """);
        }
        var withPassword = connection + ";Password=s3cret";
        var result = Crawl(withPassword);
        Assert.Equal(["ops.accounts", "ops.audit_events", "ops.rich"], result.TablesCreated.Order());
        var accounts = store.FindTable("ops", "accounts")!;
        Assert.Equal(
            [("id", "BIGINT"), ("name", "VARCHAR"), ("balance", "DECIMAL(12,3)"), ("rate", "DOUBLE"), ("small", "SMALLINT"), ("opened", "DATE"),
             ("seen", "TIMESTAMP"), ("seen_tz", "TIMESTAMP WITH TIME ZONE"), ("active", "BOOLEAN"), ("key", "UUID"), ("doc", "JSON"), ("raw", "BLOB"), ("huge", "DOUBLE")],
            accounts.Definition.Columns.Select(c => (c.Name, c.Type)));
        Assert.Equal("audit.events", store.FindTable("ops", "audit_events")!.Definition.FormatOptions["table"]);
        Assert.DoesNotContain("s3cret", accounts.Definition.Location);
        Assert.DoesNotContain("Password", accounts.Definition.Location, StringComparison.OrdinalIgnoreCase);
        Assert.True(Crawl(withPassword).NoChange);

        var bad = Assert.Throws<CatalogException>(() => Crawl("Host=127.0.0.1;Port=1;Username=x;Password=hunter2;Timeout=2"));
        Assert.DoesNotContain("hunter2", bad.Message);
        Assert.Contains("cannot read the database", bad.Message);
    }
}
