namespace Glint.Execution;

/// <summary>What a run costs as Glue bills it: workers × DPUs per worker × seconds, at least a minute, at $0.44 per DPU-hour.</summary>
public static class Meter
{
    public const double DollarsPerDpuHour = 0.44;
    public const double MinimumBilledSeconds = 60;

    public static double DpuSeconds(WorkerType type, int workers, TimeSpan wall) =>
        workers * type.Dpus * Math.Max(MinimumBilledSeconds, wall.TotalSeconds);

    public static double Cost(double dpuSeconds) => dpuSeconds / 3600 * DollarsPerDpuHour;
}
