using Glint.Common;

namespace Glint.Execution;

/// <summary>Listeners put together: a caller that listens (a console) keeps what its caller listens with (a run's record).</summary>
public static class RunListeners
{
    /// <summary>Both listeners hear every event, <paramref name="first"/> first; just <paramref name="second"/> when there is no first.</summary>
    public static IRunListener Both(IRunListener? first, IRunListener second) => first is null ? second : new Pair(first, second);

    private sealed class Pair(IRunListener first, IRunListener second) : IRunListener
    {
        public void RunStarted(RunId run) { first.RunStarted(run); second.RunStarted(run); }
        public void StageStarted(StageId stage, string name, int tasks) { first.StageStarted(stage, name, tasks); second.StageStarted(stage, name, tasks); }
        public void TaskAttemptFinished(TaskAttemptRecord attempt) { first.TaskAttemptFinished(attempt); second.TaskAttemptFinished(attempt); }
        public void StageFinished(StageId stage) { first.StageFinished(stage); second.StageFinished(stage); }
    }
}
