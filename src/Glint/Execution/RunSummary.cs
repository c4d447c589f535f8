using System.Collections.Immutable;
using Glint.Storage;

namespace Glint.Execution;

/// <summary>How one stage went.</summary>
public sealed record StageSummary(StageId Id, string Name, int Tasks, int Attempts, long? RowsIn, long RowsOut, long BytesOut, TimeSpan Wall);

/// <summary>How a run went: rows, files, tasks and attempts, time and what it cost.</summary>
public sealed record RunSummary(
    RunId RunId,
    bool Succeeded,
    string? Error,
    WorkerType WorkerType,
    int Workers,
    DateTime StartedUtc,
    TimeSpan Wall,
    /// <summary>Rows read from the sources; null when a source is CSV or JSON (not counted).</summary>
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
    public double DpuSeconds => Meter.DpuSeconds(WorkerType, Workers, Wall);
    public double Cost => Meter.Cost(DpuSeconds);
}
