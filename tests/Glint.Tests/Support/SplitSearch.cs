using Glint.Common;
using Glint.Plan;

namespace Glint.Tests.Support;

/// <summary>Finds settings under which every scan of a plan has exactly n splits (the test asserts it found them).</summary>
public static class SplitSearch
{
    public static GlintSettings For(Func<GlintSettings, PhysicalPlan> plan, int n, long totalBytes)
    {
        var baseSettings = new GlintSettings { OpenCostInBytes = 0, MinPartitions = 1, SplitLargeFiles = false };
        if (n == Datasets.Files) return baseSettings with { GroupFiles = false };
        if (n == 1) return baseSettings with { MaxPartitionBytes = totalBytes * 2 + 1 };
        for (var f = 0.80; f < 2.0; f += 0.01)
        {
            var candidate = baseSettings with { MaxPartitionBytes = (long)(totalBytes / (double)n * f) };
            if (Scans(plan(candidate)).All(s => s.Splits.Length == Expected(s, n))) return candidate;
        }
        // Sources of different sizes: min_partitions sizes each source's splits from its own bytes.
        for (var m = 1; m <= 4 * Datasets.Files; m++)
        {
            var candidate = baseSettings with { MinPartitions = m, MaxPartitionBytes = totalBytes * 2 + 1 };
            if (Scans(plan(candidate)).All(s => s.Splits.Length == Expected(s, n))) return candidate;
        }
        throw new InvalidOperationException($"no max_partition_bytes gives exactly {n} splits");
    }

    /// <summary>n splits, or one per file for a source pruned to fewer than n files.</summary>
    public static int Expected(ScanInput scan, int n) => Math.Min(n, Math.Max(1, scan.Source.Files.Length));

    public static IEnumerable<ScanInput> Scans(PhysicalPlan plan) =>
        plan.Stages.SelectMany(s => s.Pipelines).Select(p => p.Input).OfType<ScanInput>();
}
