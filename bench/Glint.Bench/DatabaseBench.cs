using System.Diagnostics;
using System.Globalization;
using DuckDB.NET.Data;
using Glint.Api;
using Glint.Execution;
using Npgsql;
using static Glint.Bench.Measure;

namespace Glint.Bench;

/// <summary>
/// Scenario jdbc: a PostgreSQL table read whole by one task (hashpartitions 1) against the same table read in
/// 8 hash splits, both written to Parquet; and, as the floor, one plain Npgsql reader draining the table.
/// Uses GLINT_BENCH_POSTGRES when set, else starts a private server with scripts/postgres.sh.
/// </summary>
internal static class DatabaseBench
{
    public static void Run(BenchOptions o, DuckDBConnection duckdb)
    {
        var rows = Math.Min(o.Rows, 5_000_000);
        var server = Environment.GetEnvironmentVariable("GLINT_BENCH_POSTGRES");
        var folder = Path.Combine(o.Data, "postgres");
        var started = server is null;
        server ??= Script("start", folder);
        try
        {
            using (var c = new NpgsqlConnection(server))
            {
                c.Open();
                var clock = Stopwatch.StartNew();
                Exec(c, $"""
                    DROP TABLE IF EXISTS bench_orders;
                    CREATE TABLE bench_orders (id bigint PRIMARY KEY, customer int, amount numeric(12,2), placed timestamptz, note text);
                    INSERT INTO bench_orders SELECT i, ((i::bigint * 7919) % 100000)::int, (i % 100000) / 100.0,
                        timestamptz '2024-01-01 00:00:00+00' + i * interval '1 second', 'order ' || i FROM generate_series(1, {rows}) i;
                    ANALYZE bench_orders;
                    """);
                Console.WriteLine($"\n(jdbc) PostgreSQL table of {rows:N0} rows (5 columns) → Parquet; generated in {clock.Elapsed.TotalSeconds:0.0} s");
            }
            var session = new GlintSession(new SessionOptions { Home = Path.Combine(o.Data, "home") });
            Glint.Execution.RunSummary? one = null, hashed = null, ranged = null;
            Action Read(string name, Action<Glint.Execution.RunSummary> done, params (string Key, string Value)[] split) => () =>
            {
                var reader = session.Read;
                foreach (var (k, v) in split) reader.Option(k, v);
                done(reader.Database(server, "bench_orders").Write().Mode("overwrite").Save(Path.Combine(o.Data, $"out-jdbc-{name}")));
            };
            var times = Interleaved(o.Repeat, () => Drain(server),
                Read("one", s => one = s),
                Read("hash", s => hashed = s, ("hashfield", "id"), ("hashpartitions", "8")),
                Read("bounds", s => ranged = s, ("partition_column", "id"), ("lower_bound", "1"), ("upper_bound", rows.ToString(CultureInfo.InvariantCulture)), ("num_partitions", "8")));
            Report("one Npgsql reader draining the table (floor)", times[0]);
            Report($"glint, one split ({one!.Tasks} task, {one.RowsIn:N0} rows)", times[1]);
            Report($"glint, hashfield id, hashpartitions 8 ({hashed!.Tasks} tasks on {session.Options.Slots} slots)", times[2]);
            Report($"glint, bounds on id (primary key), 8 ranges ({ranged!.Tasks} tasks on {session.Options.Slots} slots)", times[3]);
            var same = new[] { "hash", "bounds" }.All(n => Count(duckdb, o, n) == Count(duckdb, o, "one")) && new[] { one, hashed, ranged }.All(s => s.RowsIn == rows);
            Console.WriteLine($"ratio hash 8 / one = {(times[2] / times[1]).ToString("0.00", CultureInfo.InvariantCulture)}; " +
                              $"ratio bounds 8 / one = {(times[3] / times[1]).ToString("0.00", CultureInfo.InvariantCulture)}; same rows: {same}");
        }
        finally
        {
            if (started) Script("stop", folder);
        }
    }

    private static void Report(string label, double seconds) => Console.WriteLine($"  {label,-70} {Seconds(seconds)} s");

    private static string Count(DuckDBConnection duckdb, BenchOptions o, string name)
    {
        using var command = duckdb.CreateCommand();
        command.CommandText = $"SELECT count(*) || '/' || sum(id) || '/' || sum(amount) FROM read_parquet('{Path.Combine(o.Data, $"out-jdbc-{name}")}/*.parquet')";
        return (string)command.ExecuteScalar()!;
    }

    private static void Drain(string server)
    {
        using var c = new NpgsqlConnection(server);
        c.Open();
        using var command = new NpgsqlCommand("SELECT id, customer, amount::text, placed::text, note FROM bench_orders", c);
        using var reader = command.ExecuteReader();
        long n = 0;
        while (reader.Read()) { n += reader.GetInt64(0); _ = reader.GetString(2); _ = reader.GetString(3); _ = reader.GetString(4); }
    }

    private static void Exec(NpgsqlConnection c, string sql)
    {
        using var command = new NpgsqlCommand(sql, c) { CommandTimeout = 0 };
        command.ExecuteNonQuery();
    }

    private static string Script(string verb, string folder) => ServerScript.Run("postgres.sh", verb, folder);
}
