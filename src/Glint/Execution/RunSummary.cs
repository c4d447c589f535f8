using System.Collections.Immutable;
using Glint.Common;
using Glint.Storage;

namespace Glint.Execution;

/// <summary>What one shuffle bucket received from all map tasks of a stage.</summary>
public sealed record BucketStats(int Bucket, long Rows, long Bytes);

/// <summary>How one stage went; a shuffle map stage also has its per-bucket statistics.</summary>
public sealed record StageSummary(
    StageId Id, string Name, int Tasks, int Attempts, long? RowsIn, long RowsOut, long BytesOut, TimeSpan Wall, ImmutableArray<BucketStats> Buckets)
{
    /// <summary>The stages this one read.</summary>
    public ImmutableArray<StageId> DependsOn { get; init; } = [];
    /// <summary>Tasks the plan gave the stage before adaptive execution re-planned it (one per split or bucket).</summary>
    public int PlannedTasks { get; init; }
    /// <summary>What adaptive execution decided for this stage's tasks, with the numbers behind it.</summary>
    public ImmutableArray<Adaptive.AdaptiveDecision> Decisions { get; init; } = [];
    /// <summary>Stages whose rows this stage's tasks computed in their own query (fused exchanges, never written to files).</summary>
    public ImmutableArray<StageId> Fused { get; init; } = [];
    /// <summary>Slots each fused task took (its DuckDB's threads); 1 when the stage fused nothing.</summary>
    public int TaskSlots { get; init; } = 1;
}

/// <summary>How a run went: rows, files, tasks and attempts, time and what it cost.</summary>
public sealed record RunSummary(
    RunId RunId,
    bool Succeeded,
    string? Error,
    WorkerType WorkerType,
    int Workers,
    DateTime StartedUtc,
    TimeSpan Wall,
    // RowsIn: rows read from the sources; null when a source is CSV or JSON (not counted).
    long? RowsIn,
    long RowsOut,
    ImmutableArray<CommittedTarget> Targets,
    ImmutableArray<StageSummary> Stages,
    ImmutableArray<TaskAttemptRecord> Attempts)
{
    public int Tasks => Stages.Sum(s => s.Tasks);
    public int FailedAttempts => Attempts.Count(a => !a.Succeeded);
    public int FilesWritten => Targets.Sum(t => t.FilesWritten);
    public long BytesWritten => Targets.Sum(t => t.BytesWritten);
    /// <summary>Bytes written by shuffle map tasks (what moved between stages).</summary>
    public long ShuffleBytes => Stages.Sum(s => s.Buckets.Sum(b => b.Bytes));
    public double DpuSeconds => MeteredDpuSeconds is { } metered
        ? Math.Max(metered, WorkerType.Dpus * MinimumBilledSeconds)
        : Workers * WorkerType.Dpus * Math.Max(MinimumBilledSeconds, Wall.TotalSeconds);
    /// <summary>The least a run is billed for (a minute, as Glue bills a job run; none for a streaming job's micro-batch, billed as one long run).</summary>
    public double MinimumBilledSeconds { get; init; } = Meter.MinimumBilledSeconds;
    /// <summary>For an auto-scaled pool: each executor's active seconds × its DPUs, as Glue bills auto-scaled runs (at least one worker for a minute).</summary>
    public double? MeteredDpuSeconds { get; init; }
    /// <summary>Input rows that were rejected as malformed instead of failing the run (CSV with on_error: record).</summary>
    public long ErrorRecords { get; init; }
    /// <summary>The JSON-lines file holding the run's error records, when it had any.</summary>
    public string? ErrorFile { get; init; }
    /// <summary>The outcomes of the data-quality rules the run evaluated (its <see cref="RunGate"/>), recorded with it.</summary>
    public ImmutableArray<QualityOutcome> Quality { get; init; } = [];
    /// <summary>The price the cost is reckoned at (the dpu_hour_price setting).</summary>
    public double DollarsPerDpuHour { get; init; } = Meter.DollarsPerDpuHour;
    public double Cost => DpuSeconds / 3600 * DollarsPerDpuHour;
}
