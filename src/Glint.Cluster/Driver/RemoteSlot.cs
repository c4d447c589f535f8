using Glint.Common;
using Glint.Execution;
using Glint.Execution.Remote;

namespace Glint.Cluster.Driver;

/// <summary>One slot of a remote executor, as the driver's scheduler sees it.</summary>
internal sealed class RemoteSlot(ClusterPool.Executor executor, int index, IExecutorGrain grain) : ITaskSlot
{
    public string Name => $"{executor.Name}-slot{index}";
    public bool IsAlive => !executor.Lost.IsCancellationRequested;
    public ClusterPool.Executor Executor => executor;
    public IExecutorGrain Grain => grain;
}

/// <summary>Sends a task attempt to the executor of its slot and waits for the reply, or for the executor to leave.</summary>
internal sealed class RemoteTaskRunner(ClusterPool pool) : ITaskRunner
{
    public TaskResult Run(TaskSpec task, TaskAttemptId attempt, ITaskSlot slot, CancellationToken cancellation)
    {
        var remote = (RemoteSlot)slot;
        var lost = remote.Executor.Lost.Token;
        if (lost.IsCancellationRequested) throw Lost(remote, attempt);
        using var either = CancellationTokenSource.CreateLinkedTokenSource(cancellation, lost);
        string reply;
        Interlocked.Increment(ref remote.Executor.InFlight);
        try
        {
            reply = remote.Grain.Run(TaskMessages.Serialize(task), attempt.ToString()).WaitAsync(either.Token).GetAwaiter().GetResult();
        }
        catch (OperationCanceledException) when (lost.IsCancellationRequested && !cancellation.IsCancellationRequested)
        {
            throw Lost(remote, attempt);
        }
        catch (Exception e) when (e is not OperationCanceledException && e is not GlintException)
        {
            // The call itself failed: the executor's process is gone or unreachable (Orleans' SiloUnavailable,
            // a dropped connection, a grain that can no longer be placed). Its attempt is lost, not failed, and
            // its slots take no more tasks until the executor answers heartbeats again.
            pool.Lose(remote.Executor.Name);
            throw new ExecutorLostException(remote.Executor.Name, $"executor {remote.Executor.Name} was lost while running {attempt}: {SlotScheduler.Describe(e)}");
        }
        finally
        {
            Interlocked.Decrement(ref remote.Executor.InFlight);
            remote.Executor.IdleSince = DateTime.UtcNow;
        }
        var message = TaskMessages.DeserializeReply(reply);
        return message.Succeeded
            ? message.Result!
            : throw new RemoteTaskException(message.Error ?? "task failed on its executor", message.Retryable);
    }

    private static ExecutorLostException Lost(RemoteSlot slot, TaskAttemptId attempt) =>
        new(slot.Executor.Name, $"executor {slot.Executor.Name} was lost while running {attempt} (it stopped answering or left the cluster)");
}
