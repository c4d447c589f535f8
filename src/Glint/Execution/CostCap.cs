using Glint.Common;

namespace Glint.Execution;

/// <summary>
/// A run's cost cap (max_dpu_seconds, max_cost) as a deadline: DPU-seconds grow with wall time at workers × DPUs per worker,
/// so a timer cancels the run when the cap would pass, and the meter decides once more just before the commit.
/// </summary>
internal sealed class CostCap : IDisposable
{
    private readonly CancellationTokenSource capped;
    private readonly ITimer? deadline;
    private readonly TimeProvider time;
    private readonly long started;
    private readonly double? limit;
    private readonly WorkerType type;
    private readonly int workers;
    private readonly double dollarsPerDpuHour;

    private CostCap(GlintSettings settings, WorkerType type, int workers, TimeProvider time, CancellationToken cancellation)
    {
        (this.type, this.workers, this.time, dollarsPerDpuHour) = (type, workers, time, settings.DollarsPerDpuHour);
        var dpus = workers * type.Dpus;
        limit = dpus > 0 ? settings.DpuSecondsCap() : null;
        // A cap the pool's billing minimum already passes is refused before any task: it could not lower the bill.
        if (limit is { } l) Meter.CheckCap(l, type, workers, dollarsPerDpuHour);
        capped = CancellationTokenSource.CreateLinkedTokenSource(cancellation);
        deadline = limit is { } d ? time.CreateTimer(_ => capped.Cancel(), null, TimeSpan.FromSeconds(d / dpus), Timeout.InfiniteTimeSpan) : null;
        started = time.GetTimestamp();
    }

    /// <summary>Starts the cap's clock for a pool of <paramref name="workers"/> × <paramref name="type"/>; refuses a cap below the billing minimum.</summary>
    public static CostCap Start(GlintSettings settings, WorkerType type, int workers, TimeProvider time, CancellationToken cancellation) =>
        new(settings, type, workers, time, cancellation);

    /// <summary>Cancelled by the caller's token or when the cap is reached.</summary>
    public CancellationToken Token => capped.Token;

    /// <summary>Throws when the cap has been reached: the timer may fire after the last task but before the commit, so the meter decides.</summary>
    public void ThrowIfReached()
    {
        if (limit is { } l && Meter.DpuSeconds(type, workers, time.GetElapsedTime(started)) > l) capped.Cancel();
        capped.Token.ThrowIfCancellationRequested();
    }

    /// <summary>Whether <paramref name="e"/> is the run stopping at its cap (not the caller cancelling it).</summary>
    public bool Stopped(Exception e, CancellationToken cancellation) =>
        e is OperationCanceledException or RunCancelledException && capped.IsCancellationRequested && !cancellation.IsCancellationRequested && limit is not null;

    /// <summary>The one-line error of a run stopped at its cap.</summary>
    public CostCapException Error(RunId run) => new(
        $"run {run} stopped at its cost cap of {limit:0.#} DPU-seconds (${limit / 3600 * dollarsPerDpuHour:0.0000}; {workers} × {type} for {time.GetElapsedTime(started).TotalSeconds:0.0} s); no target was changed");

    public void Dispose()
    {
        deadline?.Dispose();
        capped.Dispose();
    }
}
