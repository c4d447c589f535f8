using System.Diagnostics;
using System.Diagnostics.Metrics;
using Glint.Common;

namespace Glint.Execution;

/// <summary>
/// Traces and metrics of runs, stages and task attempts, through .NET's own ActivitySource and Meter
/// (named "Glint"). Nothing is collected unless a listener subscribes — the CLI's OpenTelemetry
/// exporter when OTLP is configured (docs/console.md) — so this costs nothing by default.
/// Every span and measurement carries the run id (glint.run_id), the correlation id of a run.
/// </summary>
public static class Telemetry
{
    public const string Name = "Glint";

    public static readonly ActivitySource Source = new(Name);
    public static readonly System.Diagnostics.Metrics.Meter Metrics = new(Name);

    public static readonly Counter<long> TaskAttempts = Metrics.CreateCounter<long>("glint.task.attempts", description: "task attempts finished, by outcome");
    public static readonly Histogram<double> TaskDuration = Metrics.CreateHistogram<double>("glint.task.duration", "s", "wall time of a task attempt");
    public static readonly Counter<long> RowsOut = Metrics.CreateCounter<long>("glint.task.rows_out", description: "rows written or returned by task attempts");
    public static readonly Counter<long> Runs = Metrics.CreateCounter<long>("glint.runs", description: "runs finished, by outcome");
    public static readonly Histogram<double> RunDuration = Metrics.CreateHistogram<double>("glint.run.duration", "s", "wall time of a run");
    public static readonly Counter<double> DpuSeconds = Metrics.CreateCounter<double>("glint.run.dpu_seconds", description: "DPU-seconds billed for runs");
    public static readonly Counter<long> QualityRules = Metrics.CreateCounter<long>("glint.dq.rules", description: "data-quality rules evaluated, by outcome");
    public static readonly Histogram<double> QualityMetric = Metrics.CreateHistogram<double>("glint.dq.metric", description: "a metric a data-quality rule evaluated (Dataset.*.RowCount, Column.<c>.Completeness …)");

    /// <summary>Each outcome as glint.dq.rules and each of its metrics as glint.dq.metric, with the run, ruleset and rule.</summary>
    public static void Quality(RunId run, IEnumerable<QualityOutcome> outcomes)
    {
        foreach (var o in outcomes)
        {
            var tags = new TagList { { "glint.run_id", run.Value }, { "glint.dq.ruleset", o.Ruleset }, { "glint.dq.rule", o.Rule } };
            var counted = tags;
            counted.Add("glint.dq.outcome", o.Outcome);
            QualityRules.Add(1, counted);
            foreach (var (metric, value) in o.Metrics)
            {
                var measured = tags;
                measured.Add("glint.dq.metric", metric);
                QualityMetric.Record(value, measured);
            }
        }
    }

    /// <summary>A finished task attempt as a span under the run's, and in the task metrics.</summary>
    public static void Attempt(ActivityContext run, RunId runId, TaskAttemptRecord attempt)
    {
        var tags = new TagList { { "glint.run_id", runId.Value }, { "glint.stage", attempt.Id.Task.Stage.ToString() }, { "glint.succeeded", attempt.Succeeded } };
        TaskAttempts.Add(1, tags);
        TaskDuration.Record(attempt.Duration.TotalSeconds, tags);
        if (attempt.Result is { } result) RowsOut.Add(result.RowsOut, tags);
        if (!Source.HasListeners()) return;
        using var span = Source.StartActivity("glint.task", ActivityKind.Internal, run, startTime: new DateTimeOffset(attempt.StartedUtc, TimeSpan.Zero));
        if (span is null) return;
        span.SetTag("glint.run_id", runId.Value);
        span.SetTag("glint.attempt", attempt.Id.ToString());
        span.SetTag("glint.slot", attempt.Slot);
        span.SetTag("glint.input_bytes", attempt.InputBytes);
        if (attempt.Description is { } d) span.SetTag("glint.task.description", d);
        if (attempt.Result is { } r) span.SetTag("glint.rows_out", r.RowsOut);
        if (!attempt.Succeeded) span.SetStatus(ActivityStatusCode.Error, attempt.Error);
        span.SetEndTime(attempt.EndedUtc);
    }
}
