using System.Collections.Immutable;
using Glint.Catalog;
using Glint.Common;
using Glint.Execution;
using Glint.Jobs.Replay;

namespace Glint.Jobs;

/// <summary>One configuration the advisor replayed a run on, and what it predicts.</summary>
public sealed record AdvisedConfiguration(WorkerType WorkerType, int Workers, double WallSeconds, double DpuSeconds, double Cost, int SpillingTasks)
{
    public int Slots => WorkerType.VCpus * Workers;
}

/// <summary>What an always-on cluster would cost for the job's observed schedule, against paying per run.</summary>
/// <param name="RunsPerDay">runs of the job per day, observed in the metastore</param>
/// <param name="Nodes">nodes of a cluster sized like the run (one 4 vCPU / 16 GB node per DPU)</param>
public sealed record ClusterComparison(double RunsPerDay, int ObservedRuns, double ServerlessPerDay, int Nodes, double ClusterPerDay, double BreakEvenRunsPerDay);

/// <summary>The advisor's answer for one run.</summary>
public sealed record Advice(
    RunId RunId, AdvisedConfiguration Current, double RecordedWallSeconds, double OverheadSeconds, ImmutableArray<AdvisedConfiguration> Configurations,
    AdvisedConfiguration? Cheapest, TimeSpan? Deadline, ClusterComparison Cluster)
{
    /// <summary>Dollars per run the current choice spends over the cheapest one that meets the deadline.</summary>
    public double Waste => Cheapest is null ? 0 : Math.Max(0, Current.Cost - Cheapest.Cost);

    /// <summary>How far the current choice's predicted wall time is past the deadline; null when it meets it or there is none.</summary>
    public TimeSpan? CurrentMissesBy => Deadline is { } d && Current.WallSeconds > d.TotalSeconds ? TimeSpan.FromSeconds(Current.WallSeconds) - d : null;
}

/// <summary>
/// Replays a recorded run's stages and task durations on other worker types and counts with the
/// scheduler's own rules (<see cref="ScheduleReplay"/>), and predicts wall time, DPU-seconds and cost
/// for each; marks the cheapest configuration that meets a deadline. Time outside tasks (planning,
/// commit) is taken as fixed. A task whose input would not fit its slot's memory on a smaller worker
/// is charged a spill penalty.
/// </summary>
public static class Advisor
{
    /// <summary>How much longer a task runs when its data spills to disk (DuckDB's out-of-core operators).</summary>
    public const double SpillPenalty = 2.0;

    /// <summary>Working memory a task needs per byte it reads (decompressed columns, hash tables): a rule of thumb.</summary>
    public const double MemoryPerInputByte = 4.0;

    /// <summary>Worker counts replayed: from Glue's minimum (a driver and an executor) up.</summary>
    public static readonly ImmutableArray<int> WorkerCounts =
        [.. new[] { 1, 2, 3, 4, 5, 6, 8, 10, 12, 16, 20, 32 }.Where(n => n >= WorkerType.GlueMinimumWorkers)];

    public static Advice Advise(JobRun run, IReadOnlyList<TaskAttemptRow> attempts, IReadOnlyList<JobRun> jobRuns, TimeSpan? deadline,
        double dollarsPerDpuHour, double dollarsPerNodeHour)
    {
        var record = run is { State: RunState.Succeeded, Record: { } r } ? r
            : throw new SpecException($"run {run.RunId} has no stages to replay (state {run.State.ToString().ToUpperInvariant()}); the advisor needs a SUCCEEDED run");
        if (record.Stages is not { Count: > 0 } || record.WorkerType is null || record.Workers < 1)
            throw new SpecException($"run {run.RunId} was recorded before Glint kept its stages; run it again to get advice");
        var stages = Stages(record, attempts);
        var recordedType = WorkerType.Parse(record.WorkerType);
        var overhead = Overhead(record, attempts);

        AdvisedConfiguration Predict(WorkerType type, int workers)
        {
            var memoryPerSlot = type.MemoryPerSlot;
            bool Spills(ReplayTask t) => t.InputBytes * MemoryPerInputByte > memoryPerSlot && t.InputBytes * MemoryPerInputByte <= recordedType.MemoryPerSlot;
            var makespan = ScheduleReplay.Makespan(stages, type.VCpus * workers, t => Spills(t) ? t.Seconds * SpillPenalty : t.Seconds);
            var wall = overhead + makespan;
            var dpuSeconds = Meter.DpuSeconds(type, workers, TimeSpan.FromSeconds(wall));
            return new AdvisedConfiguration(type, workers, wall, dpuSeconds, dpuSeconds / 3600 * dollarsPerDpuHour, stages.SelectMany(s => s.Tasks).Count(Spills));
        }

        // The current configuration is predicted like the others, so every row shares the replay's bias; the recorded wall is shown beside it.
        var current = Predict(recordedType, record.Workers);
        // Glue's rules for batch jobs: G.025X is offered to streaming jobs only, and a job has at least 2 workers.
        var configurations = WorkerType.GlueBatch.SelectMany(t => WorkerCounts.Select(n => Predict(t, n))).ToImmutableArray();
        var meeting = configurations.Where(c => deadline is null || c.WallSeconds <= deadline.Value.TotalSeconds).ToList();
        var cheapest = meeting.OrderBy(c => c.Cost).ThenBy(c => c.WallSeconds).FirstOrDefault();
        return new Advice(run.RunId, current, record.WallSeconds, overhead, configurations, cheapest, deadline,
            Compare(run, record, jobRuns, recordedType, dollarsPerNodeHour, current.Cost));
    }

    /// <summary>The stages of a recorded run with each task's time: all its attempts, failed ones included, as the slots spent them.</summary>
    public static IReadOnlyList<ReplayStage> Stages(RunRecord record, IReadOnlyList<TaskAttemptRow> attempts) => ScheduleReplay.Stages(
        (record.Stages ?? []).Select(s => (s.Id, s.DependsOn)),
        attempts.Select(a => new ReplayTask(a.Stage, a.Task, a.Duration.TotalSeconds, a.InputBytes ?? 0, a.Slots)));

    private static ClusterComparison Compare(JobRun run, RunRecord record, IReadOnlyList<JobRun> jobRuns, WorkerType type, double dollarsPerNodeHour, double costPerRun)
    {
        var finished = jobRuns.Where(r => r.State == RunState.Succeeded).ToList();
        if (finished.Count == 0) finished = [run];
        var days = Math.Max(1, (finished.Max(r => r.Started) - finished.Min(r => r.Started)).TotalDays);
        var runsPerDay = finished.Count / days;
        var nodes = (int)Math.Ceiling(record.Workers * type.Dpus);
        var clusterPerDay = Math.Max(1, nodes) * 24 * dollarsPerNodeHour;
        return new ClusterComparison(runsPerDay, finished.Count, runsPerDay * costPerRun, Math.Max(1, nodes), clusterPerDay,
            costPerRun > 0 ? clusterPerDay / costPerRun : double.PositiveInfinity);
    }

    private static double Overhead(RunRecord record, IReadOnlyList<TaskAttemptRow> attempts) =>
        ScheduleReplay.OutsideTasks(record.WallSeconds, attempts.Select(a => (a.Started.UtcDateTime, a.Ended.UtcDateTime)));
}
