using System.Diagnostics;

namespace Glint.Tests.Support;

/// <summary>A clock that runs <paramref name="factor"/> times faster than the real one: timers fire sooner, elapsed times read longer.</summary>
public sealed class FastTime(double factor) : TimeProvider
{
    private readonly long origin = Stopwatch.GetTimestamp();

    public override long GetTimestamp() => origin + (long)((Stopwatch.GetTimestamp() - origin) * factor);

    public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period) =>
        System.CreateTimer(callback, state, Scale(dueTime), Scale(period));

    private TimeSpan Scale(TimeSpan span) => span == Timeout.InfiniteTimeSpan ? span : span / factor;
}
