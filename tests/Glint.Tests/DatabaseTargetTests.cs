using System.Collections.Immutable;
using Glint.Api;
using Glint.Common;
using Glint.Execution;
using Glint.Jobs;
using Glint.Tests.Support;

namespace Glint.Tests;

/// <summary>
/// PostgreSQL targets: rows COPYed in parallel into a staging table and moved in one transaction — append creates a
/// missing table, overwrite replaces, upsert is idempotent — and every failure leaves the table as it was.
/// </summary>
[Trait("needs", "postgresql")]
public sealed class DatabaseTargetTests : IDisposable
{
    private readonly TempFolder dir = new("database-target");
    public void Dispose() => dir.Dispose();

    private GlintSession Session() => new(new SessionOptions
    {
        Home = dir["home"], Metastore = dir["metastore.db"], Settings = new GlintSettings().With("shuffle_partitions", "4").With("task_max_attempts", "2"),
    });

    private const string Text = """
        SELECT id, name, balance::text, rate::text, small::text, to_char(opened, 'YYYY-MM-DD'),
               to_char(seen_tz AT TIME ZONE 'UTC', 'YYYY-MM-DD HH24:MI:SS.US'), active::text, upper(encode(raw, 'hex')), code::text
        FROM {0} ORDER BY id
        """;

    private static string Source()
    {
        var connection = Postgres.NewDatabase();
        Db.Execute(connection, """
            CREATE TABLE accounts (id bigint PRIMARY KEY, name text, balance numeric(12,3), rate double precision, small smallint,
                opened date, seen_tz timestamptz, active boolean, raw bytea, code uuid);
            INSERT INTO accounts SELECT i,
                CASE WHEN i % 11 = 0 THEN NULL ELSE 'näme ✓ ' || i END, (i * 37 % 100000) / 1000.0 - 50, i / 4.0, (i % 300)::smallint,
                date '2020-01-01' + (i % 2000), CASE WHEN i % 23 = 0 THEN NULL ELSE timestamptz '2024-03-01 12:00:00+05' + i * interval '37 minutes 1.5 seconds' END,
                i % 2 = 0, CASE WHEN i % 31 = 0 THEN NULL ELSE decode(lpad(to_hex(i), 8, '0'), 'hex') END, md5(i::text)::uuid
            FROM generate_series(1, 2000) i;
            """);
        return connection;
    }

    [Fact]
    public void Append_creates_a_missing_table_and_every_type_round_trips()
    {
        var source = Source();
        var target = Postgres.NewDatabase();
        var frame = Session().Read.Option("hashfield", "id").Option("hashpartitions", "5").Database(source, "accounts");
        var summary = frame.Write().Database(target, "copied");
        Assert.Equal(2000, summary.RowsOut);
        Assert.Equal(5, summary.Tasks);
        Assert.Equal(Db.Rows(source, string.Format(Text, "accounts")), Db.Rows(target, string.Format(Text, "copied")));
        Assert.Equal(["bigint", "text", "numeric(12,3)", "double precision", "smallint", "date", "timestamp with time zone", "boolean", "bytea", "uuid"],
            Db.Rows(target, "SELECT format_type(atttypid, atttypmod) FROM pg_attribute WHERE attrelid = 'copied'::regclass AND attnum > 0 ORDER BY attnum"));

        frame.Write().Mode("append").Database(target, "copied");
        Assert.Equal(["4000"], Db.Rows(target, "SELECT count(*) FROM copied"));
        frame.Write().Mode("overwrite").Database(target, "copied");
        Assert.Equal(["2000|2000"], Db.Rows(target, "SELECT count(*), count(DISTINCT id) FROM copied"));
        Assert.Empty(Db.Rows(target, "SELECT tablename FROM pg_tables WHERE tablename LIKE 'glint_staging%'"));
    }

    [Fact]
    public void An_upsert_job_run_twice_leaves_the_same_table_and_updates_changed_rows()
    {
        var source = Source();
        var target = Postgres.NewDatabase();
        Db.Execute(target, "CREATE TABLE balances (id bigint PRIMARY KEY, name text, balance numeric(12,3), touched int DEFAULT 0)");
        Db.Execute(target, "INSERT INTO balances VALUES (1, 'old', 0, 7), (999999, 'untouched', 1, 7)");
        var store = SqlJobStore.Open(dir["metastore.db"], dir.Path);
        var spec = $$"""
            name: upsert
            sources:
              accounts: { connection: "{{source}}", options: { dbtable: accounts, hashfield: id, hashpartitions: "4" } }
            transforms:
              - { name: picked, from: accounts, select: [id, name, balance] }
            targets:
              - { from: picked, connection: "{{target}}", dbtable: balances, mode: upsert, upsert_keys: [id] }
            """;
        store.CreateJob(new JobDefinition("upsert", spec, ImmutableDictionary<string, string>.Empty));
        var runner = new JobRunner(store, new SessionOptions { Home = dir["home"], Metastore = dir["metastore.db"] });
        var first = runner.Start("upsert", new Dictionary<string, string>());
        Assert.True(first.State == RunState.Succeeded, first.Error);
        var once = Db.Rows(target, "SELECT * FROM balances ORDER BY id");
        Assert.Equal(2001, once.Count);
        Assert.Contains("1|näme ✓ 1|-49.963|7", once); // updated in place; the column not written keeps its value
        Assert.Contains("999999|untouched|1.000|7", once);
        Assert.Equal(RunState.Succeeded, runner.Start("upsert", new Dictionary<string, string>()).State);
        Assert.Equal(once, Db.Rows(target, "SELECT * FROM balances ORDER BY id"));

        Db.Execute(source, "UPDATE accounts SET balance = 42 WHERE id = 5; INSERT INTO accounts (id, name, balance) VALUES (5000, 'new', 1)");
        Assert.Equal(RunState.Succeeded, runner.Start("upsert", new Dictionary<string, string>()).State);
        Assert.Equal(["5|näme ✓ 5|42.000|0", "5000|new|1.000|0"], Db.Rows(target, "SELECT * FROM balances WHERE id IN (5, 5000) ORDER BY id"));
        Assert.Equal(["2002"], Db.Rows(target, "SELECT count(*) FROM balances"));
    }

    [Fact]
    public void A_failure_in_the_middle_of_a_copy_or_at_commit_leaves_the_table_unchanged()
    {
        var target = Postgres.NewDatabase();
        Db.Execute(target, "CREATE TABLE small (id integer NOT NULL, v text)");
        Db.Execute(target, "INSERT INTO small SELECT i, 'before' FROM generate_series(1, 10) i");
        var before = Db.Rows(target, "SELECT * FROM small ORDER BY id");
        Reference.Execute($"COPY (SELECT range::BIGINT AS id, 'new' AS v FROM range(100000)) TO '{dir["ok.parquet"]}' (FORMAT PARQUET)");
        Reference.Execute($"COPY (SELECT CASE WHEN range = 90000 THEN 5000000000 ELSE range END::BIGINT AS id, 'new' AS v FROM range(100000)) TO '{dir["overflow.parquet"]}' (FORMAT PARQUET)");
        Reference.Execute($"COPY (SELECT CASE WHEN range = 50 THEN NULL ELSE range END::BIGINT AS id, 'new' AS v FROM range(100)) TO '{dir["null.parquet"]}' (FORMAT PARQUET)");

        // Row 90,000 does not fit an integer: the COPY stops after sending most rows; the run fails; nothing moves.
        var copy = Assert.ThrowsAny<GlintException>(() => Session().Read.Parquet(dir["overflow.parquet"]).Write().Mode("overwrite").Database(target, "small"));
        Assert.Contains("staging table", copy.Message);
        Assert.Equal(before, Db.Rows(target, "SELECT * FROM small ORDER BY id"));

        // The staging table has no constraints: the NULL id fails the commit's INSERT, which rolls back the DELETE too.
        var commit = Assert.Throws<TargetException>(() => Session().Read.Parquet(dir["null.parquet"]).Write().Mode("overwrite").Database(target, "small"));
        Assert.Contains("rolled back", commit.Message);
        Assert.Equal(before, Db.Rows(target, "SELECT * FROM small ORDER BY id"));
        Assert.Empty(Db.Rows(target, "SELECT tablename FROM pg_tables WHERE tablename LIKE 'glint_staging%'"));

        Session().Read.Parquet(dir["ok.parquet"]).Write().Mode("overwrite").Database(target, "small");
        Assert.Equal(["100000|new"], Db.Rows(target, "SELECT count(*), min(v) FROM small"));
    }

    [Fact]
    public void Bad_targets_fail_before_any_task_runs()
    {
        var target = Postgres.NewDatabase();
        Db.Execute(target, "CREATE TABLE t (id bigint, name text)");
        var frame = Session().Read.Parquet(Datasets.Path("customers"));
        var wrong = Assert.Throws<TargetException>(() => frame.Write().ToDatabaseAction(target, "t"));
        Assert.Contains("has no column", wrong.Message);
        Assert.Contains("id, name", wrong.Message);
        var fitting = frame.Select("credit AS id", "customer AS name");
        var keyless = Assert.Throws<ConfigException>(() => fitting.Write().Mode("upsert").ToDatabaseAction(target, "t"));
        Assert.Contains("upsert_keys", keyless.Message);
        var noIndex = Assert.Throws<TargetException>(() => fitting.Write().Mode("upsert").UpsertKeys("id").ToDatabaseAction(target, "t"));
        Assert.Contains("no primary key or unique index on (id)", noIndex.Message);
        Assert.Contains("for database tables", Assert.Throws<ConfigException>(() => frame.Write().Mode("upsert").ToAction(dir["x"])).Message);
        Assert.Empty(Db.Rows(target, "SELECT tablename FROM pg_tables WHERE tablename LIKE 'glint_staging%'"));
        Assert.Contains("upsert_keys: ", Assert.ThrowsAny<GlintException>(() => fitting.Write().Mode("upsert").UpsertKeys("nope").ToDatabaseAction(target, "t")).Message);
    }

    [Fact]
    public void A_sqlite_file_takes_appends_upserts_and_overwrites_all_or_nothing()
    {
        var path = dir["shop.db"];
        using (var c = new Microsoft.Data.Sqlite.SqliteConnection($"Data Source={path}"))
        {
            c.Open();
            using var command = c.CreateCommand();
            command.CommandText = "CREATE TABLE totals (customer TEXT PRIMARY KEY, n INTEGER NOT NULL, amount DECIMAL(12,2), note TEXT DEFAULT 'kept')";
            command.ExecuteNonQuery();
        }
        var session = Session();
        session.RegisterTable("sales", session.Read.Parquet(Datasets.Path("sales_parquet")));
        var totals = session.Sql("SELECT coalesce(customer, '-') AS customer, count(*) AS n, round(sum(amount), 2) AS amount FROM sales GROUP BY 1");
        var expected = Reference.Canonical(Reference.Query(
            $"SELECT coalesce(customer, '-'), count(*), round(sum(amount), 2)::DECIMAL(12,2), 'kept' FROM {Datasets.ReferenceScan("sales_parquet")} GROUP BY 1"));
        List<string> Table() => Reference.Canonical(Session().Read.Database("sqlite:" + path, "totals").Collect());

        totals.Write().Mode("upsert").UpsertKeys("customer").Database("sqlite:" + path, "totals");
        Assert.Equal(expected, Table());
        totals.Write().Mode("upsert").UpsertKeys("customer").Database("sqlite:" + path, "totals");
        Assert.Equal(expected, Table()); // idempotent

        var append = Assert.Throws<TargetException>(() => totals.Write().Mode("append").Database("sqlite:" + path, "totals"));
        Assert.Contains("rolled back", append.Message); // the primary key refuses the second copy: nothing of it lands
        Assert.Equal(expected, Table());

        totals.Filter("n > 30").Write().Mode("overwrite").Database("sqlite:" + path, "totals");
        Assert.Equal(expected.Count(r => long.Parse(r.Split(" | ")[1]) > 30), Table().Count);

        // A table Glint creates, read back with the same types.
        session.Read.Parquet(Datasets.Path("customers")).Write().Database("sqlite:" + path, "customers");
        Assert.Equal(Reference.Canonical(Reference.Query($"SELECT * FROM {Datasets.ReferenceScan("customers")}")),
            Reference.Canonical(Session().Read.Database("sqlite:" + path, "customers").Collect()));
    }
}
