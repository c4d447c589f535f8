using Glint.Execution;
using Glint.Quality;

namespace Glint.Jobs;

/// <summary>A job's metric history for dynamic rules and DetectAnomalies: the metrics its succeeded runs recorded, newest first.</summary>
public static class QualityHistory
{
    /// <summary>The history of each ruleset (by transform name) of the job; the runs are read once, when a dynamic rule first asks.</summary>
    public static Func<string, MetricHistory> Of(IJobStore store, string job)
    {
        var runs = new Lazy<IReadOnlyList<IReadOnlyList<QualityOutcome>>>(() =>
            [.. store.Runs(job).Where(r => r.State == RunState.Succeeded && r.Record?.Quality is { Count: > 0 }).Select(r => r.Record!.Quality!)]);
        return ruleset => (rule, metric, k) =>
            [.. runs.Value.Select(outcomes => outcomes.FirstOrDefault(o => o.Ruleset == ruleset && o.Rule == rule && o.Metrics.ContainsKey(metric)))
                .Where(o => o is not null).Take(k).Select(o => o!.Metrics[metric])];
    }
}
