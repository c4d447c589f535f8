using System.Diagnostics;
using System.Globalization;
using DuckDB.NET.Data;
using Glint.Api;
using Glint.Common;
using Glint.Execution;
using Glint.Samples;
using static Glint.Bench.Measure;

namespace Glint.Bench;

/// <summary>
/// The 22 TPC-H queries through Glint's SQL planner against plain DuckDB (all threads, one query) on
/// the same Parquet files, at equal cores: Glint's local pool has as many slots as the machine has cores,
/// or (--executors N) N executor processes of one slot each run the tasks.
/// </summary>
internal static class TpchBench
{
    public static void Run(BenchOptions o, DuckDBConnection duckdb)
    {
        var folder = Path.Combine(o.Data, $"tpch-sf{o.Scale.ToString(CultureInfo.InvariantCulture)}");
        var marker = Path.Combine(folder, "_complete");
        if (!File.Exists(marker))
        {
            if (Directory.Exists(folder)) Directory.Delete(folder, true);
            var clock = Stopwatch.StartNew();
            Console.WriteLine($"generating TPC-H scale {o.Scale} in {folder} …");
            TpchGenerator.Generate(folder, o.Scale);
            File.WriteAllText(marker, "");
            Console.WriteLine($"generated in {clock.Elapsed.TotalSeconds:0.0} s");
        }
        var tables = TpchGenerator.Tables.ToDictionary(t => t, t => Path.Combine(folder, t));
        foreach (var (name, path) in tables)
            Execute(duckdb, $"CREATE OR REPLACE VIEW {name} AS SELECT * FROM read_parquet('{path}/*.parquet')");
        using var cluster = o.Executors > 0 ? new BenchCluster(Path.Combine(o.Data, "home")) : null;
        for (var e = 0; e < o.Executors; e++) cluster!.Add(1);
        using var pool = cluster?.Connect();
        var session = new GlintSession(new SessionOptions
        {
            Home = Path.Combine(o.Data, "home"),
            Settings = o.Exchange(new GlintSettings { ShufflePartitions = o.ShufflePartitions }),
            Pool = pool,
        });
        var where = pool is null ? $"{session.Options.Slots} slots, local_exchange {o.LocalExchange}" : $"{o.Executors} executor processes × 1 slot";
        Console.WriteLine($"\n(tpch) 22 TPC-H queries, scale {o.Scale}: lineitem {Bytes(tables["lineitem"])}, orders {Bytes(tables["orders"])}; " +
                          $"glint on {where}, shuffle_partitions {o.ShufflePartitions}; duckdb threads = {Environment.ProcessorCount}");
        Console.WriteLine($"  {"query",-6} {"duckdb s",10} {"glint s",10} {"ratio",7}  stages  fused");
        double totalDuck = 0, totalGlint = 0;
        var ratios = new List<double>();
        foreach (var (number, sql) in TpchQueries.All.Where(q => o.Queries.Count == 0 || o.Queries.Contains(q.Number)))
        {
            var inputs = tables.ToDictionary(kv => kv.Key, kv => session.Read.Parquet(kv.Value));
            var frame = session.Sql(sql, inputs);
            var plan = session.Plan([new Glint.Plan.PlannedAction(frame.Plan, new Glint.Plan.CollectSink())]);
            var fused = frame.Explain().Split('\n').Count(l => l.StartsWith("  exchange: fused", StringComparison.Ordinal));
            int rowsGlint = 0, rowsDuck = 0;
            var times = Interleaved(o.Repeat,
                () => rowsDuck = Query(duckdb, sql),
                () => rowsGlint = frame.Collect().Count);
            if (rowsDuck != rowsGlint) throw new InvalidOperationException($"Q{number}: duckdb returned {rowsDuck} rows, glint {rowsGlint}");
            totalDuck += times[0];
            totalGlint += times[1];
            ratios.Add(times[1] / times[0]);
            Console.WriteLine($"  Q{number,-5} {Seconds(times[0]),10} {Seconds(times[1]),10} {(times[1] / times[0]).ToString("0.00", CultureInfo.InvariantCulture),7}  {plan.Stages.Length,6}  {fused,5}");
        }
        var geomean = Math.Exp(ratios.Average(Math.Log));
        Console.WriteLine($"  total  {Seconds(totalDuck),10} {Seconds(totalGlint),10} {(totalGlint / totalDuck).ToString("0.00", CultureInfo.InvariantCulture),7}");
        Console.WriteLine($"ratio glint/duckdb: total {(totalGlint / totalDuck).ToString("0.00", CultureInfo.InvariantCulture)}, geometric mean per query {geomean.ToString("0.00", CultureInfo.InvariantCulture)}");
    }

    private static int Query(DuckDBConnection connection, string sql)
    {
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        using var reader = command.ExecuteReader();
        var rows = 0;
        var values = new object[reader.FieldCount];
        while (reader.Read())
        {
            reader.GetValues(values);
            rows++;
        }
        return rows;
    }

    private static string Bytes(string folder) =>
        Glint.Common.Bytes.Format(new DirectoryInfo(folder).EnumerateFiles("*.parquet").Sum(f => f.Length));
}
