using System.Collections.Concurrent;
using Glint.Common;

namespace Glint.Execution;

/// <summary>
/// Runs tasks on the pool's slots. Stages are submitted as their inputs become ready and share one
/// queue, so a stage starts as soon as it can while others still run. Within a submission the
/// largest tasks go first; failed attempts are retried up to the limit. The scheduler sees tasks as
/// opaque work: the runner decides what a task does.
/// </summary>
public sealed class SlotScheduler : IScheduledRun, IDisposable
{
    private sealed class Batch(int count)
    {
        public int Remaining = count;
        public readonly ConcurrentDictionary<TaskId, TaskResult> Results = new();
        public readonly TaskCompletionSource<IReadOnlyDictionary<TaskId, TaskResult>> Done =
            new(TaskCreationOptions.RunContinuationsAsynchronously);
    }

    private readonly ITaskRunner runner;
    private readonly int maxAttempts;
    private readonly IRunListener listener;
    private readonly TaskFaultInjector? faults;
    private readonly CancellationTokenSource stop;
    private readonly BlockingCollection<(TaskSpec Task, int Attempt, Batch Batch)> queue = new();
    private readonly ConcurrentQueue<TaskAttemptRecord> attempts = new();
    private readonly ConcurrentDictionary<Batch, byte> open = new();
    private readonly ConcurrentDictionary<TaskId, int> lost = new();
    private readonly ConcurrentDictionary<string, SlotGate> gates = new();
    private readonly List<Task> workers = [];
    private readonly Lock workersGate = new();
    private bool disposed;
    private Exception? failure;

    public SlotScheduler(IReadOnlyList<ITaskSlot> slots, ITaskRunner runner, int maxAttempts, IRunListener listener,
        TaskFaultInjector? faults, CancellationToken cancellation)
    {
        this.runner = runner;
        this.maxAttempts = maxAttempts;
        this.listener = listener;
        this.faults = faults;
        stop = CancellationTokenSource.CreateLinkedTokenSource(cancellation);
        stop.Token.Register(() =>
        {
            foreach (var batch in open.Keys) Finish(batch);
        });
        foreach (var slot in slots) AddSlot(slot);
    }

    /// <summary>A slot that joined while the run goes (an executor that joined the cluster): it takes queued tasks from now on.</summary>
    public void AddSlot(ITaskSlot slot)
    {
        lock (workersGate)
        {
            if (disposed) return;
            gates.GetOrAdd(slot.Executor, _ => new SlotGate()).AddSlot();
            workers.Add(Task.Factory.StartNew(() => Work(slot), CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default));
        }
    }

    private int running;

    public int Queued => queue.Count;
    public int Running => Volatile.Read(ref running);

    /// <summary>Every attempt run so far, in completion order.</summary>
    public IReadOnlyCollection<TaskAttemptRecord> Attempts => attempts;

    /// <summary>Queues a stage's tasks; the result completes when all succeeded, or fails with the run's first failure.</summary>
    public Task<IReadOnlyDictionary<TaskId, TaskResult>> Submit(IReadOnlyList<TaskSpec> tasks)
    {
        var batch = new Batch(tasks.Count);
        if (tasks.Count == 0)
        {
            batch.Done.SetResult(batch.Results);
            return batch.Done.Task;
        }
        open[batch] = 0;
        if (stop.IsCancellationRequested) Finish(batch);
        else
            foreach (var task in tasks.OrderByDescending(t => t.InputBytes))
                queue.Add((task, 1, batch));
        return batch.Done.Task;
    }

    private void Work(ITaskSlot slot)
    {
        try
        {
            foreach (var (task, attempt, batch) in queue.GetConsumingEnumerable(stop.Token))
            {
                if (!slot.IsAlive)
                {
                    // Its executor left between two tasks: another slot takes this one.
                    try { queue.Add((task, attempt, batch)); } catch (Exception e) when (e is InvalidOperationException or ObjectDisposedException) { }
                    return;
                }
                // A wide task (a fused stage) takes several slots of the executor; the others wait meanwhile.
                var gate = gates[slot.Executor];
                var seats = gate.Enter(task.Work.Slots, stop.Token);
                Interlocked.Increment(ref running);
                try { RunAttempt(slot, task, attempt, batch, seats); }
                finally
                {
                    Interlocked.Decrement(ref running);
                    gate.Leave(seats);
                }
                if (!slot.IsAlive) return;
            }
        }
        catch (OperationCanceledException) { }
    }

    private void RunAttempt(ITaskSlot slot, TaskSpec task, int attempt, Batch batch, int seats)
    {
        var attemptId = new TaskAttemptId(task.Id, attempt);
        var started = DateTime.UtcNow;
        try
        {
            var result = runner.Run(seats == task.Work.Slots ? task : task with { Work = task.Work with { Slots = seats } }, attemptId, slot, stop.Token);
            faults?.Invoke(attemptId, result);
            Record(new TaskAttemptRecord(attemptId, slot.Name, started, DateTime.UtcNow, true, null, result) { InputBytes = task.InputBytes, Description = task.Description, Slots = seats });
            batch.Results[task.Id] = result;
            if (Interlocked.Decrement(ref batch.Remaining) == 0)
            {
                open.TryRemove(batch, out _);
                batch.Done.TrySetResult(batch.Results);
            }
        }
        catch (Exception error)
        {
            var cancelled = stop.IsCancellationRequested;
            Record(new TaskAttemptRecord(attemptId, slot.Name, started, DateTime.UtcNow, false, cancelled ? "cancelled" : Describe(error), null) { InputBytes = task.InputBytes, Description = task.Description, Slots = seats });
            if (cancelled) return;
            if (error is ExecutorLostException)
            {
                // Spark does not count an executor's loss against the task: re-run it at once on another slot.
                lost.AddOrUpdate(task.Id, 1, (_, n) => n + 1);
                try { queue.Add((task, attempt + 1, batch)); } catch (Exception e) when (e is InvalidOperationException or ObjectDisposedException) { }
                return;
            }
            var counted = attempt - lost.GetValueOrDefault(task.Id);
            if (ErrorClassifier.IsRetryable(error) && counted < maxAttempts)
            {
                if (error is TransientException)
                {
                    // A dropped connection or a throttled store: wait before trying again (0.2 s, 0.4 s, … at most 5 s),
                    // without holding the slot, which takes other tasks meanwhile.
                    _ = Task.Delay(Backoff(attempt), stop.Token).ContinueWith(t =>
                    {
                        if (t.IsCanceled) return;
                        try { queue.Add((task, attempt + 1, batch)); } catch (Exception e) when (e is InvalidOperationException or ObjectDisposedException) { } // scheduler already closed
                    }, TaskScheduler.Default);
                    return;
                }
                queue.Add((task, attempt + 1, batch));
                return;
            }
            Interlocked.CompareExchange(ref failure, new TaskFailedException(task.Id.ToString(), attempt,
                $"task {task.Id} ({task.Description}) failed after {counted} attempt{(counted == 1 ? "" : "s")}: {Describe(error)}",
                error), null);
            stop.Cancel();
        }
    }

    /// <summary>How long a task that failed on a transient error waits before its next attempt.</summary>
    internal static TimeSpan Backoff(int failedAttempt) => TimeSpan.FromMilliseconds(Math.Min(5000, 200 * Math.Pow(2, failedAttempt - 1)));

    /// <summary>Ends a batch that cannot complete: with the run's failure, or as cancelled.</summary>
    private void Finish(Batch batch)
    {
        open.TryRemove(batch, out _);
        batch.Done.TrySetException(failure ?? new RunCancelledException("run cancelled; no target was changed"));
    }

    private void Record(TaskAttemptRecord record)
    {
        attempts.Enqueue(record);
        listener.TaskAttemptFinished(record);
    }

    public void Dispose()
    {
        queue.CompleteAdding();
        stop.Cancel();
        Task[] running;
        lock (workersGate)
        {
            disposed = true;
            running = [.. workers];
        }
        Task.WaitAll(running);
        stop.Dispose();
        queue.Dispose();
    }

    public static string Describe(Exception error)
    {
        // DuckDB appends the statement with a position marker ("LINE 1: …"); the task id already says where.
        var text = error.Message;
        var marker = text.IndexOf("\nLINE ", StringComparison.Ordinal);
        if (marker > 0) text = text[..marker];
        var message = text.ReplaceLineEndings(" ").Trim();
        while (message.Contains("  ")) message = message.Replace("  ", " ");
        return message;
    }
}
