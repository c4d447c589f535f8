using Glint.Common;
namespace Glint.Execution;

/// <summary>Runs one attempt of a task on a slot. The scheduler calls it and knows nothing of what the work is.</summary>
public interface ITaskRunner
{
    TaskResult Run(TaskSpec task, TaskAttemptId attempt, ITaskSlot slot, CancellationToken cancellation);
}

/// <summary>Where one task attempt runs at a time: a local DuckDB slot, or a slot of a remote executor.</summary>
public interface ITaskSlot
{
    /// <summary>The slot's name in task records: w0-slot1 locally, &lt;executor&gt;-slot1 in a cluster.</summary>
    string Name { get; }

    /// <summary>False once the slot's executor has left: the scheduler gives it no more tasks.</summary>
    bool IsAlive { get; }

    /// <summary>The executor the slot belongs to: a task taking several slots takes them from one executor.</summary>
    string Executor => Name;
}

/// <summary>
/// The slots a run's tasks go to, when they are not the session's own in-process pool: the slots of
/// a cluster's executors. Slots may join while a run goes (a new executor) and die (a lost one).
/// </summary>
public interface IWorkerPool
{
    /// <summary>What runs a task on one of this pool's slots.</summary>
    ITaskRunner Runner { get; }

    /// <summary>Hands the pool's slots to a run's scheduler, now and as they join, until the attachment is disposed.</summary>
    IPoolAttachment Attach(IScheduledRun run);

    /// <summary>The pool's worker type and number of workers now, for the meter.</summary>
    (WorkerType Type, int Workers) Size { get; }

    /// <summary>Slots the pool offers now, for planning (splits aim at a few tasks per slot).</summary>
    int SlotCount { get; }
}

/// <summary>What a pool sees of a run it serves: where to add slots, and how much work waits (for auto scaling).</summary>
public interface IScheduledRun
{
    void AddSlot(ITaskSlot slot);

    /// <summary>Tasks queued and not yet on a slot.</summary>
    int Queued { get; }

    /// <summary>Tasks running on a slot now.</summary>
    int Running { get; }
}

/// <summary>A pool serving one run; disposing it stops handing the run slots.</summary>
public interface IPoolAttachment : IDisposable
{
    /// <summary>DPU-seconds the run used, metered from each executor's active time, when the pool scales (auto scaling); null when it is a fixed pool billed as workers × wall time.</summary>
    double? MeteredDpuSeconds { get; }
}

/// <summary>Observes a run as it goes (progress bars, logs, tests).</summary>
public interface IRunListener
{
    void RunStarted(RunId run) { }
    void StageStarted(StageId stage, string name, int tasks) { }
    void TaskAttemptFinished(TaskAttemptRecord attempt) { }
    void StageFinished(StageId stage) { }
}

/// <summary>Test hook: called after an attempt has done its work but before it reports success; throwing fails the attempt.</summary>
public delegate void TaskFaultInjector(TaskAttemptId attempt, TaskResult result);
