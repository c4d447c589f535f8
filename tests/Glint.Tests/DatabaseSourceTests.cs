using System.Collections.Immutable;
using Glint.Api;
using Glint.Common;
using Glint.Execution;
using Glint.Jobs;
using Glint.Plan;
using Glint.Tests.Support;
using Microsoft.Data.Sqlite;
using Npgsql;

namespace Glint.Tests;

/// <summary>
/// Relational sources (PostgreSQL, SQLite) read in parallel splits: every split of every way of splitting returns
/// exactly the table's rows, types survive the trip, bad options fail before a task runs, and key bookmarks read new rows once.
/// </summary>
[Trait("needs", "postgresql")]
public sealed class DatabaseSourceTests : IDisposable
{
    private readonly TempFolder dir = new("database-source");
    public void Dispose() => dir.Dispose();

    private GlintSession Session() =>
        new(new SessionOptions { Home = dir["home"], Metastore = dir["metastore.db"], Settings = new GlintSettings().With("shuffle_partitions", "4") });

    /// <summary>A PostgreSQL table with every mapped type, NULLs in each column, Unicode text and rows far outside any bound.</summary>
    private static string PostgresTable(int rows = 3000)
    {
        var connection = Postgres.NewDatabase();
        using var c = new NpgsqlConnection(connection);
        c.Open();
        Db.Execute(c, $"""
            CREATE TABLE accounts (id bigint PRIMARY KEY, name text, balance numeric(12,3), rate double precision, small smallint,
                opened date, seen_tz timestamptz, active boolean, raw bytea, big numeric(38,10), code uuid);
            INSERT INTO accounts
            SELECT i,
                   CASE WHEN i % 11 = 0 THEN NULL ELSE 'näme ✓ ' || i || CASE WHEN i % 7 = 0 THEN ' "quoted", ''x''' ELSE '' END END,
                   CASE WHEN i % 13 = 0 THEN NULL ELSE (i * 37 % 100000) / 1000.0 - 50 END,
                   CASE WHEN i % 17 = 0 THEN NULL ELSE i / 4.0 END,
                   (i % 300)::smallint,
                   CASE WHEN i % 19 = 0 THEN NULL ELSE date '2020-01-01' + (i % 2000) END,
                   CASE WHEN i % 23 = 0 THEN NULL ELSE timestamptz '2024-03-01 12:00:00+05' + i * interval '37 minutes 1.5 seconds' END,
                   CASE WHEN i % 29 = 0 THEN NULL ELSE i % 2 = 0 END,
                   CASE WHEN i % 31 = 0 THEN NULL ELSE decode(lpad(to_hex(i), 8, '0'), 'hex') END,
                   CASE WHEN i % 37 = 0 THEN NULL ELSE 1234567890123456789012345678.0123456789 - i END,
                   md5(i::text)::uuid
            FROM generate_series(-20, {rows - 21}) AS i;
            """);
        return connection;
    }

    private const string PostgresText = """
        SELECT id, name, balance::text, (rate * 4)::bigint::text, small::text, to_char(opened, 'YYYY-MM-DD'),
               to_char(seen_tz AT TIME ZONE 'UTC', 'YYYY-MM-DD HH24:MI:SS.US'), active::text, upper(encode(raw, 'hex')), big::text, code::text
        FROM accounts ORDER BY id
        """;

    private static readonly string[] GlintText =
    [
        "id", "name", "CAST(balance AS VARCHAR)", "CAST(CAST(rate * 4 AS BIGINT) AS VARCHAR)", "CAST(small AS VARCHAR)", "strftime(opened, '%Y-%m-%d')",
        "strftime(timezone('UTC', seen_tz), '%Y-%m-%d %H:%M:%S.%f')", "CAST(active AS VARCHAR)", "hex(raw)", "CAST(big AS VARCHAR)", "CAST(code AS VARCHAR)",
    ];

    private static List<string> Rows(DataFrame frame) =>
        [.. frame.Select(GlintText).OrderBy("id").Collect().Select(r => string.Join("|", r.Select(v => v is null ? "∅" : Convert.ToString(v, System.Globalization.CultureInfo.InvariantCulture))))];

    public static TheoryData<string, string> Splittings => new()
    {
        { "none", "" },
        { "hashfield", "hashfield=name;hashpartitions=1" },
        { "hashfield", "hashfield=name;hashpartitions=3" },
        { "hashfield", "hashfield=id;hashpartitions=17" },
        { "hashexpression", "hashexpression=id * 7 - 3" },
        { "bounds", "partition_column=id;lower_bound=500;upper_bound=900;num_partitions=3" },
        { "bounds", "partition_column=opened;lower_bound=2021-01-01;upper_bound=2022-06-30;num_partitions=5" },
        { "bounds", "partition_column=balance;lower_bound=-10.5;upper_bound=20;num_partitions=4" },
    };

    private static Dictionary<string, string> Options(string options, string table = "accounts")
    {
        var result = new Dictionary<string, string> { ["dbtable"] = table };
        foreach (var pair in options.Split(';', StringSplitOptions.RemoveEmptyEntries)) result[pair.Split('=')[0]] = pair.Split('=', 2)[1];
        return result;
    }

    [Theory]
    [MemberData(nameof(Splittings))]
    public void Every_split_of_a_postgresql_table_together_is_exactly_the_table(string how, string options)
    {
        var connection = PostgresTable();
        using var c = new NpgsqlConnection(connection);
        c.Open();
        var expected = Db.Rows(c, PostgresText);
        var reader = Session().Read;
        foreach (var (k, v) in Options(options)) reader.Option(k, v);
        var frame = reader.Database(connection);
        var scan = Assert.IsType<DatabaseScanNode>(frame.Plan);
        var splits = Glint.Storage.Databases.DatabaseSplits.Plan(scan.Source);
        Assert.Equal(how switch { "none" => 1, "hashexpression" => 7, _ => int.Parse(Options(options).GetValueOrDefault("hashpartitions") ?? Options(options).GetValueOrDefault("num_partitions") ?? "7") }, splits.Length);
        Assert.Equal(3000, expected.Count);
        Assert.Equal(expected, Rows(frame));
    }

    [Fact]
    public void Hash_splits_run_as_parallel_tasks_and_count_their_input_rows()
    {
        var connection = PostgresTable();
        var summary = Session().Read.Option("hashfield", "id").Option("hashpartitions", "8").Database(connection, "accounts")
            .Write().Save(dir["out"]);
        Assert.Equal(8, summary.Tasks);
        Assert.Equal(3000, summary.RowsIn);
        Assert.Equal(3000, summary.RowsOut);
        Assert.True(summary.Attempts.Select(a => a.Slot).Distinct().Count() >= 2, "the splits ran on more than one slot");
        Assert.Equal(3000, Convert.ToInt64(Reference.Query($"SELECT count(DISTINCT id) FROM read_parquet('{dir["out"]}/*.parquet')")[0][0]));
    }

    [Fact]
    public void Explain_shows_the_splits_and_the_statement_sent_to_the_database_without_the_password()
    {
        var connection = PostgresTable(10) + ";Password=s3cret-pw";
        var explain = Session().Read.Option("hashfield", "id").Option("hashpartitions", "3").Database(connection, "accounts").Explain();
        Assert.Contains("3 splits: hash(id) % 3 = 0; hash(id) % 3 = 1; hash(id) % 3 = 2", explain);
        Assert.Contains("first, from the database: SELECT \"id\"::bigint, \"name\"::text", explain);
        Assert.Contains("abs(hashtext(coalesce(\"id\"::text, ''))::bigint) % 3 = 0", explain);
        Assert.DoesNotContain("s3cret-pw", explain);
    }

    [Fact]
    public void Sql_over_a_database_source_asks_the_database_only_for_the_columns_it_uses()
    {
        var connection = PostgresTable(50);
        var session = Session();
        var accounts = session.Read.Option("partition_column", "opened").Option("lower_bound", "2020-01-01").Option("upper_bound", "2020-03-01")
            .Option("num_partitions", "3").Database(connection, "accounts");
        var frame = session.Sql("SELECT name, sum(balance) AS total FROM accounts WHERE small > 3 GROUP BY name", new Dictionary<string, DataFrame> { ["accounts"] = accounts });
        var explain = frame.Explain();
        var statement = explain.Split('\n').First(l => l.Contains("first, from the database:"));
        Assert.Contains("\"name\"::text", statement);
        Assert.Contains("\"opened\"::text", statement); // the split column stays
        Assert.DoesNotContain("\"raw\"", statement);
        Assert.DoesNotContain("\"code\"", statement);
        using var c = new NpgsqlConnection(connection);
        c.Open();
        var expected = Db.Rows(c, "SELECT coalesce(name, '∅'), coalesce(to_char(sum(balance), 'FM999999990.000'), '∅') FROM accounts WHERE small > 3 GROUP BY name ORDER BY 1");
        var actual = frame.Collect().Select(r => $"{r[0] ?? "∅"}|{(r[1] is null ? "∅" : Convert.ToDecimal(r[1]).ToString("0.000", System.Globalization.CultureInfo.InvariantCulture))}")
            .Order(StringComparer.Ordinal).ToList();
        Assert.Equal(expected.Order(StringComparer.Ordinal), actual);
    }

    [Fact]
    public void A_query_can_be_a_source_and_a_query_that_writes_is_refused()
    {
        var connection = PostgresTable(100);
        var frame = Session().Read.Option("query", "SELECT id, upper(name) AS loud FROM accounts WHERE id BETWEEN 1 AND 5").Option("hashexpression", "id")
            .Option("hashpartitions", "2").Database(connection);
        Assert.Equal(["1|NÄME ✓ 1", "2|NÄME ✓ 2", "3|NÄME ✓ 3", "4|NÄME ✓ 4", "5|NÄME ✓ 5"],
            frame.OrderBy("id").Collect().Select(r => string.Join("|", r)));

        var delete = Assert.Throws<SourceException>(() => Session().Read
            .Option("query", "WITH gone AS (DELETE FROM accounts RETURNING *) SELECT * FROM gone").Database(connection));
        Assert.Contains("data-modifying", delete.Message);
        var insert = Assert.Throws<SourceException>(() => Session().Read.Option("query", "INSERT INTO accounts (id) VALUES (99999)").Database(connection));
        Assert.Contains("must be one SELECT statement", insert.Message);
        var two = Assert.Throws<SourceException>(() => Session().Read.Option("query", "SELECT 1; DROP TABLE accounts").Database(connection));
        Assert.Contains("must be one SELECT statement", two.Message);
        using var c = new NpgsqlConnection(connection);
        c.Open();
        Assert.Equal(["100"], Db.Rows(c, "SELECT count(*) FROM accounts"));
    }

    [Fact]
    public void Bad_options_name_what_is_wrong_before_any_task_runs()
    {
        var connection = PostgresTable(10);
        GlintException Fails(params (string Key, string Value)[] options)
        {
            var reader = Session().Read;
            foreach (var (k, v) in options) reader.Option(k, v);
            return Assert.ThrowsAny<GlintException>(() => reader.Database(connection));
        }
        Assert.Contains("'missing'", Fails(("dbtable", "missing")).Message);
        Assert.Contains("does not exist", Fails(("dbtable", "missing")).Message);
        var column = Fails(("dbtable", "accounts"), ("hashfield", "nope")).Message;
        Assert.Contains("hashfield: 'accounts' has no column 'nope'", column);
        Assert.Contains("id, name, balance", column);
        Assert.Contains("hashexpression 'name'", Fails(("dbtable", "accounts"), ("hashexpression", "name")).Message);
        Assert.Contains("must be below upper_bound", Fails(("dbtable", "accounts"), ("partition_column", "id"), ("lower_bound", "10"), ("upper_bound", "10")).Message);
        Assert.Contains("numeric, date and timestamp columns only", Fails(("dbtable", "accounts"), ("partition_column", "name"), ("lower_bound", "a"), ("upper_bound", "b")).Message);
        Assert.Contains("needs lower_bound and upper_bound", Fails(("dbtable", "accounts"), ("partition_column", "id")).Message);
        Assert.Contains("exactly one of 'dbtable'", Fails(("hashfield", "id")).Message);
        Assert.Contains("unknown database read option 'hashfeild'", Fails(("dbtable", "accounts"), ("hashfeild", "id")).Message);
        Assert.Contains("one way to split", Fails(("dbtable", "accounts"), ("hashfield", "id"), ("hashexpression", "id")).Message);
        Assert.Contains("from 1 to 10000", Fails(("dbtable", "accounts"), ("hashfield", "id"), ("hashpartitions", "0")).Message);

        var refused = Assert.ThrowsAny<GlintException>(() => Session().Read.Database("Host=127.0.0.1;Port=1;Username=x;Password=hunter2;Timeout=2", "t"));
        Assert.DoesNotContain("hunter2", refused.Message);
        Assert.Contains("cannot connect to the database", refused.Message);
        var url = Assert.ThrowsAny<GlintException>(() => Session().Read.Database("postgresql://x:hunter2@127.0.0.1:1/db?Timeout=2", "t"));
        Assert.DoesNotContain("hunter2", url.Message);
    }

    [Fact]
    public void A_sqlite_file_is_read_in_hash_splits_with_its_types()
    {
        var path = dir["shop.db"];
        using (var c = new SqliteConnection($"Data Source={path}"))
        {
            c.Open();
            Db.Execute(c, """
                CREATE TABLE orders (id INTEGER PRIMARY KEY, customer TEXT, total NUMERIC(10,2), weight REAL, placed DATE, paid BOOLEAN, note BLOB);
                WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 500)
                INSERT INTO orders SELECT i, CASE WHEN i % 9 = 0 THEN NULL ELSE 'cüstomer ' || (i % 40) END, (i * 7 % 1000) / 4.0,
                    CASE WHEN i % 5 = 0 THEN NULL ELSE i / 8.0 END, date('2024-01-01', '+' || (i % 60) || ' days'), i % 3 = 0,
                    CASE WHEN i % 4 = 0 THEN NULL ELSE randomblob(4) END FROM n;
                """);
        }
        List<string> expected;
        using (var c = new SqliteConnection($"Data Source={path}"))
        {
            c.Open();
            expected = Db.Rows(c, "SELECT id, coalesce(customer, '∅'), printf('%.2f', total), coalesce(CAST(weight AS TEXT), '∅'), placed, CASE paid WHEN 1 THEN 'True' ELSE 'False' END, coalesce(hex(note), '∅') FROM orders ORDER BY id");
        }
        foreach (var partitions in new[] { "1", "3", "17" })
        {
            var frame = Session().Read.Option("hashfield", "customer").Option("hashpartitions", partitions).Database(path, "orders");
            var rows = frame.Select("id", "customer", "CAST(total AS VARCHAR)", "CAST(weight AS VARCHAR)", "CAST(placed AS VARCHAR)", "paid", "hex(note)")
                .OrderBy("id").Collect().Select(r => string.Join("|", r.Select(v => v is null ? "∅" : Convert.ToString(v, System.Globalization.CultureInfo.InvariantCulture))));
            Assert.Equal(expected, rows);
        }
    }

    [Fact]
    public void A_job_with_a_key_bookmark_reads_inserted_rows_exactly_once()
    {
        var connection = Postgres.NewDatabase();
        using var c = new NpgsqlConnection(connection);
        c.Open();
        Db.Execute(c, "CREATE TABLE events (seq bigint PRIMARY KEY, amount int); INSERT INTO events SELECT i, i % 10 FROM generate_series(1, 100) i");
        var store = SqlJobStore.Open(dir["metastore.db"], dir.Path);
        var spec = $$"""
            name: events
            sources:
              events:
                connection: "{{connection}}"
                options: { dbtable: events, hashfield: seq, hashpartitions: "4" }
            targets:
              - { from: events, path: {{dir["out"]}}, mode: append }
            """;
        store.CreateJob(new JobDefinition("events", spec, ImmutableDictionary<string, string>.Empty, Bookmarks: BookmarkOption.Enable));
        var runner = new JobRunner(store, new SessionOptions { Home = dir["home"], Metastore = dir["metastore.db"] });
        long Count(string sql) => Convert.ToInt64(Reference.Query(sql.Replace("OUT", $"read_parquet('{dir["out"]}/**/*.parquet')"))[0][0]);

        var first = runner.Start("events", new Dictionary<string, string>());
        Assert.Equal(RunState.Succeeded, first.State);
        Assert.Equal(100, Count("SELECT count(*) FROM OUT"));
        Assert.Equal(100, first.Record!.RowsIn);
        Assert.Equal("seq > 100", store.Bookmarks("events").Single().State.Keys!.ToString());

        Db.Execute(c, "INSERT INTO events SELECT i, i % 10 FROM generate_series(101, 150) i");
        var second = runner.Start("events", new Dictionary<string, string>());
        Assert.Equal(50, second.Record!.RowsIn);
        Assert.Equal(150, Count("SELECT count(*) FROM OUT"));
        Assert.Equal(150, Count("SELECT count(DISTINCT seq) FROM OUT"));

        var third = runner.Start("events", new Dictionary<string, string>());
        Assert.Equal(RunState.Succeeded, third.State);
        Assert.Equal(0, third.Record!.RowsIn);
        Assert.Equal(150, Count("SELECT count(*) FROM OUT"));

        // A failing run does not move the bookmark: the rows it read are read again by the next run.
        Db.Execute(c, "INSERT INTO events SELECT i, i % 10 FROM generate_series(151, 160) i");
        File.WriteAllText(dir["blocker"], "");
        store.UpdateJob(store.FindJob("events")! with { Spec = spec.Replace(dir["out"], dir["blocker"] + "/sub") });
        Assert.Equal(RunState.Failed, runner.Start("events", new Dictionary<string, string>()).State);
        Assert.Equal("seq > 150", store.Bookmarks("events").Single().State.Keys!.ToString());
        store.UpdateJob(store.FindJob("events")! with { Spec = spec });
        Assert.Equal(10, runner.Start("events", new Dictionary<string, string>()).Record!.RowsIn);
        Assert.Equal(160, Count("SELECT count(DISTINCT seq) FROM OUT"));
        Assert.Equal(160, Count("SELECT count(*) FROM OUT"));

        // Set by hand (glint bookmark set --to-key): the next run reads past the given key.
        store.SetBookmark("events", "events", Bookmark.Empty with { Keys = new KeyBookmark(["seq"], false, ["155"]) });
        Assert.Equal(5, runner.Start("events", new Dictionary<string, string>()).Record!.RowsIn);
    }

    [Fact]
    public void The_metastore_never_stores_a_password_in_clear_text()
    {
        var store = SqlJobStore.Open(dir["metastore.db"], dir.Path);
        const string spec = """
            name: copy
            sources:
              orders: { connection: "postgresql://etl:hunter2@db:5432/shop", options: { dbtable: orders } }
            targets:
              - { from: orders, path: out }
            """;
        var inline = Assert.Throws<SpecException>(() => store.CreateJob(new JobDefinition("copy", spec, ImmutableDictionary<string, string>.Empty)));
        Assert.Contains("PGPASSWORD", inline.Message);
        Assert.DoesNotContain("hunter2", inline.Message);
        Assert.Throws<SpecException>(() => store.CreateJob(new JobDefinition("copy", spec.Replace("etl:hunter2@", "etl@").Replace("shop\"", "shop;Password=x\""),
            ImmutableDictionary<string, string>.Empty)));
        Assert.Throws<SpecException>(() => store.CreateJob(new JobDefinition("copy", spec.Replace(":hunter2", ""),
            ImmutableDictionary<string, string>.Empty.Add("db_password", "hunter2"))));

        store.CreateJob(new JobDefinition("copy", spec.Replace(":hunter2", ""), ImmutableDictionary<string, string>.Empty));
        var run = store.StartRun("copy", 1, null, ImmutableDictionary<string, string>.Empty.Add("db_password", "hunter2").Add("url", "Host=x;Password=hunter2"),
            1, TimeSpan.FromMinutes(1));
        var stored = store.FindRun(run.RunId)!.Arguments;
        Assert.Equal("***", stored["db_password"]);
        Assert.Equal("Host=x;Password=***", stored["url"]);
    }
}
