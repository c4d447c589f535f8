using System.Diagnostics;
using System.Globalization;
using DuckDB.NET.Data;
using Glint.Api;
using Glint.Cluster;
using Glint.Cluster.Driver;
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
        var redisFolder = Path.Combine(Path.GetTempPath(), $"glint-bench-redis-{Environment.ProcessId}");
        var redis = Script("start", redisFolder);
        var executors = new List<Process>();
        try
        {
            Console.WriteLine($"\n(cluster) {o.Rows:N0} rows in 32 files → filter → aggregate by k (10,000 keys) → Parquet; local mode vs executor processes; redis {redis}");
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

            var cluster = new ClusterOptions($"bench-{Environment.ProcessId}", redis);
            var cli = Path.Combine(AppContext.BaseDirectory, "Glint.Cli.dll");
            foreach (var (count, slots) in new[] { (1, 2), (2, 1), (3, 1) })
            {
                while (executors.Count < count)
                    executors.Add(Start(cli, cluster, $"ex{executors.Count}", slots, Path.Combine(o.Data, "home")));
                using var pool = ClusterPool.Connect(cluster, count, TimeSpan.FromSeconds(60));
                RunSummary last = null!, lastTiny = null!;
                var times = Interleaved(o.Repeat, () => last = Job(new SessionOptions { Pool = pool }), () => lastTiny = Tiny(new SessionOptions { Pool = pool }));
                var perTask = (times[1] - localTimes[1]) / lastTiny.Tasks * 1000;
                Console.WriteLine($"{count} executor(s) × {slots} slot(s): {Seconds(times[0])} s ({(times[0] / localTimes[0]).ToString("0.00", CultureInfo.InvariantCulture)}× local), " +
                                  $"{last.Tasks} tasks, overhead {((times[0] - localTimes[0]) / last.Tasks * 1000).ToString("0.0", CultureInfo.InvariantCulture)} ms per task; " +
                                  $"400 tiny tasks {Seconds(times[1])} s: dispatch overhead {perTask.ToString("0.0", CultureInfo.InvariantCulture)} ms per task");
                if (count == 1)
                {
                    // One executor of 2 slots is then replaced by single-slot ones.
                    foreach (var p in executors) { p.Kill(true); p.WaitForExit(); }
                    executors.Clear();
                    Thread.Sleep(4000);
                }
            }
        }
        finally
        {
            foreach (var p in executors) { try { p.Kill(true); } catch (InvalidOperationException) { } }
            Script("stop", redisFolder);
        }
    }

    private static Process Start(string cli, ClusterOptions cluster, string name, int slots, string home)
    {
        var info = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var a in new[] { cli, "executor", "--cluster", cluster.Name, "--membership", cluster.Membership, "--worker-type", "G.025X",
                     "--slots", slots.ToString(CultureInfo.InvariantCulture), "--name", $"{name}-{slots}" })
            info.ArgumentList.Add(a);
        info.Environment["GLINT_HOME"] = home;
        var process = Process.Start(info)!;
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return process;
    }

    private static string Script(string verb, string folder)
    {
        var script = Path.GetFullPath(Path.Combine("scripts", "redis.sh"));
        var process = Process.Start(new ProcessStartInfo(script, [verb, folder]) { RedirectStandardOutput = true })!;
        var output = process.StandardOutput.ReadToEnd().Trim();
        process.WaitForExit();
        if (process.ExitCode != 0) throw new InvalidOperationException($"scripts/redis.sh {verb} failed");
        return output;
    }
}
