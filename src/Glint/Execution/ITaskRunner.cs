namespace Glint.Execution;

/// <summary>Runs one attempt of a task on a slot. The scheduler calls it and knows nothing of what the work is.</summary>
public interface ITaskRunner
{
    TaskResult Run(TaskSpec task, TaskAttemptId attempt, Slot slot, CancellationToken cancellation);
}

/// <summary>Observes a run as it goes (progress bars, logs, tests).</summary>
public interface IRunListener
{
    void StageStarted(StageId stage, string name, int tasks) { }
    void TaskAttemptFinished(TaskAttemptRecord attempt) { }
    void StageFinished(StageId stage) { }
}

/// <summary>Test hook: called after an attempt has done its work but before it reports success; throwing fails the attempt.</summary>
public delegate void TaskFaultInjector(TaskAttemptId attempt, TaskResult result);
