using System.Collections.Concurrent;
using Glint.Errors;

namespace Glint.Execution;

/// <summary>
/// Runs a set of tasks on the pool's slots, largest first, retrying failed attempts up to the limit.
/// It sees tasks as opaque work: the runner decides what a task does.
/// </summary>
public sealed class SlotScheduler(
    IReadOnlyList<Slot> slots, ITaskRunner runner, int maxAttempts, IRunListener listener, TaskFaultInjector? faults = null)
{
    private readonly ConcurrentQueue<TaskAttemptRecord> attempts = new();

    /// <summary>Every attempt run so far, in completion order.</summary>
    public IReadOnlyCollection<TaskAttemptRecord> Attempts => attempts;

    public IReadOnlyDictionary<TaskId, TaskResult> Run(IReadOnlyList<TaskSpec> tasks, CancellationToken cancellation)
    {
        var results = new ConcurrentDictionary<TaskId, TaskResult>();
        if (tasks.Count == 0) return results;

        var queue = new ConcurrentQueue<(TaskSpec Task, int Attempt)>(
            tasks.OrderByDescending(t => t.InputBytes).Select(t => (t, 1)));
        using var ready = new SemaphoreSlim(queue.Count);
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellation);
        var remaining = tasks.Count;
        Exception? failure = null;

        void Worker(Slot slot)
        {
            while (true)
            {
                try { ready.Wait(stop.Token); }
                catch (OperationCanceledException) { return; }
                if (Volatile.Read(ref remaining) == 0 || !queue.TryDequeue(out var item)) return;

                var attemptId = new TaskAttemptId(item.Task.Id, item.Attempt);
                var started = DateTime.UtcNow;
                try
                {
                    var result = runner.Run(item.Task, attemptId, slot, stop.Token);
                    faults?.Invoke(attemptId, result);
                    Record(new TaskAttemptRecord(attemptId, slot.Name, started, DateTime.UtcNow, true, null, result));
                    results[item.Task.Id] = result;
                    if (Interlocked.Decrement(ref remaining) == 0) ready.Release(slots.Count);
                }
                catch (Exception error)
                {
                    var cancelled = stop.IsCancellationRequested;
                    Record(new TaskAttemptRecord(attemptId, slot.Name, started, DateTime.UtcNow, false,
                        cancelled ? "cancelled" : Describe(error), null));
                    if (cancelled) return;
                    if (ErrorClassifier.IsRetryable(error) && item.Attempt < maxAttempts)
                    {
                        queue.Enqueue((item.Task, item.Attempt + 1));
                        ready.Release();
                        continue;
                    }
                    var tries = item.Attempt;
                    Interlocked.CompareExchange(ref failure, new TaskFailedException(item.Task.Id.ToString(), tries,
                        $"task {item.Task.Id} ({item.Task.Description}) failed after {tries} attempt{(tries == 1 ? "" : "s")}: {Describe(error)}",
                        error), null);
                    stop.Cancel();
                    return;
                }
            }
        }

        var workers = slots.Select(slot => Task.Factory.StartNew(() => Worker(slot), CancellationToken.None,
            TaskCreationOptions.LongRunning, TaskScheduler.Default)).ToArray();
        Task.WaitAll(workers);

        if (failure is not null) throw failure;
        if (cancellation.IsCancellationRequested) throw new RunCancelledException("run cancelled; no target was changed");
        return results;
    }

    private void Record(TaskAttemptRecord record)
    {
        attempts.Enqueue(record);
        listener.TaskAttemptFinished(record);
    }

    internal static string Describe(Exception error)
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
