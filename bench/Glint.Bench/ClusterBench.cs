using System.Globalization;
using DuckDB.NET.Data;
using Glint.Api;
using Glint.Common;
using Glint.Execution;
using static Glint.Bench.Measure;

namespace Glint.Bench;

/// <summary>
/// Scenario (cluster): the same job in local mode and on 1, 2 and 3 executor processes of this
/// machine (Orleans, membership in a private Redis from scripts/redis.sh); and the dispatch overhead
/// per task, from 400 tasks that do almost nothing.
/// </summary>
internal static class ClusterBench
{
    public static void Run(BenchOptions o, DuckDBConnection duckdb)
    {
        var data = Path.Combine(o.Data, $"cluster-{o.Rows}");
        var tiny = Path.Combine(o.Data, "cluster-tiny");
        if (!Directory.Exists(data))
        {
            Directory.CreateDirectory(data);
            for (var f = 0; f < 32; f++)
                Execute(duckdb, $"COPY (SELECT {f}::BIGINT * {o.Rows / 32} + range AS id, hash(range, {f}) % 10000 AS k, (hash(range, 'a', {f}) % 100000) / 100.0 AS amount " +
                                $"FROM range({o.Rows / 32})) TO '{data}/part-{f:D2}.parquet' (FORMAT PARQUET)");
        }
        if (!Directory.Exists(tiny))
        {
            Directory.CreateDirectory(tiny);
            for (var f = 0; f < 400; f++)
                Execute(duckdb, $"COPY (SELECT {f} * 10 + range AS id FROM range(10)) TO '{tiny}/part-{f:D3}.parquet' (FORMAT PARQUET)");
        }
        using var cluster = new BenchCluster(Path.Combine(o.Data, "home"));
        Console.WriteLine($"\n(cluster) {o.Rows:N0} rows in 32 files → filter → aggregate by k (10,000 keys) → Parquet; local mode vs executor processes; redis {cluster.Membership}");
        var settings = new GlintSettings { ShufflePartitions = 8 };
        RunSummary Job(SessionOptions options) =>
            new GlintSession(options with { Home = Path.Combine(o.Data, "home"), Settings = settings })
                .Read.Parquet(data).Filter("amount > 10").GroupBy("k").Agg("count(*) AS n", "sum(amount) AS total")
                .Write().Mode("overwrite").Save(Path.Combine(o.Data, "out-cluster"));
        RunSummary Tiny(SessionOptions options) =>
            new GlintSession(options with { Home = Path.Combine(o.Data, "home"), Settings = new GlintSettings { GroupFiles = false } })
                .Read.Parquet(tiny).Write().Mode("overwrite").Save(Path.Combine(o.Data, "out-cluster-tiny"));

        RunSummary local = null!, localTiny = null!;
        var localTimes = Interleaved(o.Repeat, () => local = Job(new SessionOptions()), () => localTiny = Tiny(new SessionOptions()));
        Console.WriteLine($"local (2 slots in-process): {Seconds(localTimes[0])} s, {local.Tasks} tasks; 400 tiny tasks {Seconds(localTimes[1])} s");

        foreach (var (count, slots) in new[] { (1, 2), (2, 1), (3, 1) })
        {
            while (cluster.Count < count) cluster.Add(slots);
            using var pool = cluster.Connect();
            RunSummary last = null!, lastTiny = null!;
            var times = Interleaved(o.Repeat, () => last = Job(new SessionOptions { Pool = pool }), () => lastTiny = Tiny(new SessionOptions { Pool = pool }));
            var perTask = (times[1] - localTimes[1]) / lastTiny.Tasks * 1000;
            Console.WriteLine($"{count} executor(s) × {slots} slot(s): {Seconds(times[0])} s ({(times[0] / localTimes[0]).ToString("0.00", CultureInfo.InvariantCulture)}× local), " +
                              $"{last.Tasks} tasks, overhead {((times[0] - localTimes[0]) / last.Tasks * 1000).ToString("0.0", CultureInfo.InvariantCulture)} ms per task; " +
                              $"400 tiny tasks {Seconds(times[1])} s: dispatch overhead {perTask.ToString("0.0", CultureInfo.InvariantCulture)} ms per task");
            if (count == 1) cluster.KillAll();  // one executor of 2 slots is then replaced by single-slot ones
        }
    }
}
