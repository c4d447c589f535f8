using Glint.Common;
namespace Glint.Execution;

/// <summary>What a run costs as Glue bills it: workers × DPUs per worker × seconds, at least a minute, at $0.44 per DPU-hour.</summary>
public static class Meter
{
    public const double DollarsPerDpuHour = GlintSettings.DefaultDollarsPerDpuHour;
    public const double MinimumBilledSeconds = 60;

    public static double DpuSeconds(WorkerType type, int workers, TimeSpan wall) =>
        workers * type.Dpus * Math.Max(MinimumBilledSeconds, wall.TotalSeconds);

    public static double Cost(double dpuSeconds) => dpuSeconds / 3600 * DollarsPerDpuHour;

    /// <summary>
    /// Refuses a cost cap a run cannot stay under: every run is billed at least a minute of its pool, so a cap below that
    /// would stop runs without lowering what they cost.
    /// </summary>
    public static void CheckCap(double capDpuSeconds, WorkerType type, int workers, double dollarsPerDpuHour)
    {
        var minimum = DpuSeconds(type, workers, TimeSpan.Zero);
        if (capDpuSeconds < minimum)
            throw new Common.ConfigException("max_dpu_seconds",
                $"a cost cap of {capDpuSeconds:0.###} DPU-seconds (${capDpuSeconds / 3600 * dollarsPerDpuHour:0.00000}) is below the {MinimumBilledSeconds:0} s billing minimum of " +
                $"{workers} × {type.Name} ({minimum:0.###} DPU-seconds, ${minimum / 3600 * dollarsPerDpuHour:0.00000}): every run costs at least that, so the cap could not lower the bill; " +
                "raise max_dpu_seconds / max_cost to at least the minimum or use a smaller pool");
    }
}
