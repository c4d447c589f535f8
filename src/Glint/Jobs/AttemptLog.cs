using System.Collections.Concurrent;
using Glint.Catalog;
using Glint.Common;
using Glint.Execution;

namespace Glint.Jobs;

/// <summary>
/// Listens to a recorded run: keeps every task attempt (a run that fails is recorded and billed with them) and hands the
/// finished ones to the heartbeat, so a console shows the run as it goes. Passes every event on to the inner listener.
/// </summary>
internal sealed class AttemptLog(IRunListener? inner) : IRunListener
{
    private readonly ConcurrentQueue<TaskAttemptRow> unreported = new();
    private readonly ConcurrentQueue<TaskAttemptRecord> all = new();

    /// <summary>Every attempt so far, in the order they started.</summary>
    public IReadOnlyList<TaskAttemptRecord> All => [.. all.OrderBy(a => a.StartedUtc)];

    /// <summary>Every attempt so far as the run's record keeps them.</summary>
    public List<TaskAttemptRow> Rows() => [.. All.Select(AttemptRows.Of)];

    /// <summary>The finished attempts not yet taken (the live view; cancelled attempts are left to the run's end).</summary>
    public List<TaskAttemptRow> Take()
    {
        var rows = new List<TaskAttemptRow>();
        while (unreported.TryDequeue(out var row)) rows.Add(row);
        return rows;
    }

    public void RunStarted(RunId run) => inner?.RunStarted(run);
    public void StageStarted(StageId stage, string name, int tasks) => inner?.StageStarted(stage, name, tasks);
    public void StageFinished(StageId stage) => inner?.StageFinished(stage);

    public void TaskAttemptFinished(TaskAttemptRecord attempt)
    {
        all.Enqueue(attempt);
        if (attempt.Error != "cancelled") unreported.Enqueue(AttemptRows.Of(attempt));
        inner?.TaskAttemptFinished(attempt);
    }
}
