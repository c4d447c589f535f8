using System.Globalization;
using DuckDB.NET.Data;
using Glint.Api;
using Glint.Common;
using Glint.Execution;
using Glint.Jobs.Replay;
using static Glint.Bench.Measure;

namespace Glint.Bench;

/// <summary>
/// Scenario (e): a shuffle join where one key holds half the fact rows, with adaptive execution on
/// and off — real wall time here, and the makespan replayed on 16 slots. Scenario (advisor): the
/// advisor's prediction of a run's wall time on 1 slot from a run on 2 slots, and the reverse,
/// against the real runs.
/// </summary>
internal static class AdaptiveBench
{
    private const int FactFiles = 32;
    private const int Keys = 200_000;

    private static (string Facts, string Dim) Data(BenchOptions o, DuckDBConnection duckdb)
    {
        var root = Path.Combine(o.Data, $"skewed-{o.Rows}");
        var facts = Path.Combine(root, "facts");
        var dim = Path.Combine(root, "dim");
        if (!Directory.Exists(root))
        {
            Directory.CreateDirectory(facts);
            Directory.CreateDirectory(dim);
            var perFile = o.Rows / FactFiles;
            for (var f = 0; f < FactFiles; f++)
                Execute(duckdb, $"""
                    COPY (SELECT {f}::BIGINT * {perFile} + range AS id,
                                 CASE WHEN range % 2 = 0 THEN 0 ELSE 1 + hash(range, {f}) % {Keys - 1} END::BIGINT AS k,
                                 (hash(range, {f}, 'a') % 100000) / 100.0 AS amount
                          FROM range({perFile})) TO '{facts}/part-{f:D2}.parquet' (FORMAT PARQUET)
                    """);
            Execute(duckdb, $"COPY (SELECT range::BIGINT AS k, ['gold', 'silver', 'bronze', 'none'][range % 4 + 1] AS segment, md5(range::VARCHAR) AS name " +
                            $"FROM range({Keys})) TO '{dim}/dim.parquet' (FORMAT PARQUET)");
        }
        return (facts, dim);
    }

    private static GlintSession Session(BenchOptions o, GlintSettings settings, WorkerType? worker = null) => new(new SessionOptions
    {
        Home = Path.Combine(o.Data, "home"),
        Settings = settings,
        WorkerType = worker ?? WorkerType.Local(),
    });

    /// <summary>Enrich the facts with their key's attributes and write them: every joined row is written by the join's tasks.</summary>
    private static DataFrame Job(GlintSession session, string facts, string dim) =>
        session.Read.Parquet(facts).Join(session.Read.Parquet(dim), ["k"]).Select("id", "k", "amount", "segment", "upper(name) AS name");

    private const string DuckDbJob = "SELECT id, k, amount, segment, upper(name) AS name FROM read_parquet('{0}/*.parquet') AS f JOIN read_parquet('{1}/*.parquet') AS d USING (k)";

    public static void Skew(BenchOptions o, DuckDBConnection duckdb)
    {
        var (facts, dim) = Data(o, duckdb);
        Console.WriteLine($"\n(e) skewed shuffle join: {o.Rows:N0} fact rows in {FactFiles} files, half of them with key 0, ⋈ {Keys:N0} keys → enriched rows written as Parquet");
        // A shuffle join (no broadcast), 32 buckets; thresholds scaled to the data (Spark's 256 MB fits terabytes, not this machine).
        var settings = new GlintSettings
        {
            BroadcastThreshold = -1, ShufflePartitions = 32, MaxPartitionBytes = 8L << 20, MinPartitions = FactFiles,
            SkewThreshold = 4L << 20, AdvisoryPartitionSize = 4L << 20,
        };
        RunSummary on = null!, off = null!;
        var times = Interleaved(o.Repeat,
            () => off = Run(Session(o, settings with { AdaptiveEnabled = false }), facts, dim),
            () => on = Run(Session(o, settings), facts, dim));
        var duckOut = Path.Combine(o.Data, "out-e-duckdb.parquet");
        var duck = Interleaved(o.Repeat, () => Execute(duckdb, $"COPY ({string.Format(CultureInfo.InvariantCulture, DuckDbJob, facts, dim)}) TO '{duckOut}' (FORMAT PARQUET)"))[0];
        Report("duckdb (threads=all, 1 query)", duck);
        foreach (var (name, s, t) in new[] { ("adaptive off", off, times[0]), ("adaptive on", on, times[1]) })
        {
            var join = s.Stages.Single(x => x.DependsOn.Length == 2);
            if (s.RowsOut != on.RowsOut) throw new InvalidOperationException($"adaptive on and off wrote {on.RowsOut} and {off.RowsOut} rows");
            var joinTasks = s.Attempts.Where(a => a.Id.Task.Stage == join.Id).ToList();
            Console.WriteLine($"{name}: wall {Seconds(t)} s; join stage {join.Tasks} tasks, longest {Seconds(joinTasks.Max(a => a.Duration.TotalSeconds))} s, " +
                              $"median {Seconds(Median([.. joinTasks.Select(a => a.Duration.TotalSeconds)]))} s; makespan replayed on 2 / 16 slots: " +
                              $"{Seconds(Makespan(s, 2))} / {Seconds(Makespan(s, 16))} s");
            foreach (var d in s.Stages.SelectMany(x => x.Decisions)) Console.WriteLine($"  adaptive: {d}");
        }
        Console.WriteLine($"ratio off/on: wall here {(times[0] / times[1]).ToString("0.00", CultureInfo.InvariantCulture)}, " +
                          $"makespan on 16 replayed slots {(Makespan(off, 16) / Makespan(on, 16)).ToString("0.00", CultureInfo.InvariantCulture)}");
    }

    public static void Advisor(BenchOptions o, DuckDBConnection duckdb)
    {
        var (facts, dim) = Data(o, duckdb);
        Console.WriteLine($"\n(advisor) predicting wall time on 1 slot from a run on 2 slots and the reverse: the job of (e), adaptive on, {o.Rows:N0} rows");
        var settings = new GlintSettings { BroadcastThreshold = -1, ShufflePartitions = 32, MaxPartitionBytes = 8L << 20, MinPartitions = FactFiles, SkewThreshold = 4L << 20, AdvisoryPartitionSize = 4L << 20 };
        var local = WorkerType.Local();
        var one = new WorkerType("local-1", 1, local.MemoryBytes / Math.Max(1, local.VCpus), 0.25);
        var two = new WorkerType("local-2", 2, 2 * local.MemoryBytes / Math.Max(1, local.VCpus), 0.5);
        RunSummary s1 = null!, s2 = null!;
        var times = Interleaved(o.Repeat,
            () => s1 = Run(Session(o, settings, one), facts, dim),
            () => s2 = Run(Session(o, settings, two), facts, dim));
        var predicted1 = Predict(s2, 1);
        var predicted2 = Predict(s1, 2);
        Console.WriteLine($"run on 1 slot: {Seconds(times[0])} s (median); predicted from the last 2-slot run: {Seconds(predicted1)} s; error {Error(predicted1, times[0])}");
        Console.WriteLine($"run on 2 slots: {Seconds(times[1])} s (median); predicted from the last 1-slot run: {Seconds(predicted2)} s; error {Error(predicted2, times[1])}");
        Console.WriteLine($"(the last runs themselves: 1 slot {Seconds(s1.Wall.TotalSeconds)} s, 2 slots {Seconds(s2.Wall.TotalSeconds)} s)");
    }

    private static RunSummary Run(GlintSession session, string facts, string dim) =>
        Job(session, facts, dim).Write().Mode("overwrite").Save(Path.Combine(Path.GetDirectoryName(session.Options.Home)!, "out-e-glint"));

    /// <summary>The advisor's rule: time outside tasks stays, the tasks are replayed on the other slot count.</summary>
    private static double Predict(RunSummary s, int slots) =>
        ScheduleReplay.OutsideTasks(s.Wall.TotalSeconds, s.Attempts.Select(a => (a.StartedUtc, a.EndedUtc))) + Makespan(s, slots);

    private static double Makespan(RunSummary s, int slots) => ScheduleReplay.Makespan(ScheduleReplay.Stages(s), slots);

    private static string Error(double predicted, double actual) =>
        ((predicted - actual) / actual * 100).ToString("+0.0;-0.0", CultureInfo.InvariantCulture) + "%";

    private static void Report(string name, double seconds) => Console.WriteLine($"{name}: {Seconds(seconds)} s");
}
