using System.Collections.Concurrent;
using Glint.Common;
using Glint.Execution;
using Glint.Execution.Remote;

namespace Glint.Cluster.Executors;

/// <summary>
/// The slots of one executor process: long-lived DuckDB instances (threads=1, the slot's memory) that
/// run the driver's task attempts, one per slot at a time. Errors are classified here, where the real
/// exception is known, and travel back as text.
/// </summary>
public sealed class ExecutorSlots : IDisposable
{
    private readonly ConcurrentBag<Slot> free = [];
    private readonly SemaphoreSlim available;
    private readonly List<Slot> all = [];
    private readonly SqlTaskRunner runner = new();
    private long tasksRun;
    private int busy;

    public ExecutorSlots(string name, WorkerType type, int slots, string workFolder)
    {
        Name = name;
        Type = type;
        Count = slots;
        for (var i = 0; i < slots; i++)
        {
            var slot = new Slot(0, i, type.MemoryPerSlot, Path.Combine(workFolder, $"slot{i}"));
            all.Add(slot);
            free.Add(slot);
        }
        available = new SemaphoreSlim(slots, slots);
    }

    public string Name { get; }
    public WorkerType Type { get; }
    public int Count { get; }
    public DateTime StartedUtc { get; } = DateTime.UtcNow;

    public ExecutorInfo Describe() => new(Name, Type.Name, Count, Type.MemoryPerSlot, Volatile.Read(ref busy), Interlocked.Read(ref tasksRun),
        StartedUtc, Environment.ProcessId, Environment.MachineName);

    /// <summary>Runs one attempt on the next free slot (waiting for one) and answers with a reply message.</summary>
    public async Task<string> Run(string taskMessage, string attemptText)
    {
        await available.WaitAsync().ConfigureAwait(false);
        free.TryTake(out var slot);
        Interlocked.Increment(ref busy);
        try
        {
            // The task runs on a thread of its own: DuckDB blocks, and the grain must keep answering.
            return await Task.Factory.StartNew(() => RunOn(slot!, taskMessage, attemptText), CancellationToken.None,
                TaskCreationOptions.LongRunning, TaskScheduler.Default).ConfigureAwait(false);
        }
        finally
        {
            Interlocked.Decrement(ref busy);
            Interlocked.Increment(ref tasksRun);
            free.Add(slot!);
            available.Release();
        }
    }

    private string RunOn(Slot slot, string taskMessage, string attemptText)
    {
        try
        {
            var task = TaskMessages.DeserializeTask(taskMessage);
            var attempt = new TaskAttemptId(task.Id, int.Parse(attemptText[(attemptText.LastIndexOf("-a", StringComparison.Ordinal) + 2)..],
                System.Globalization.CultureInfo.InvariantCulture));
            var result = runner.Run(task, attempt, slot, CancellationToken.None);
            return TaskMessages.Serialize(new TaskReply(true, result, null, false));
        }
        catch (Exception e)
        {
            return TaskMessages.Serialize(new TaskReply(false, null, e is GlintException ? e.Message : SlotScheduler.Describe(e), ErrorClassifier.IsRetryable(e)));
        }
    }

    public void Dispose()
    {
        foreach (var slot in all) slot.Dispose();
        available.Dispose();
    }
}
