using System.Globalization;
using Glint.Api;
using Glint.Common;
using Glint.Execution;
using Glint.Jobs;
using Spectre.Console;

namespace Glint.Cli.Terminal;

/// <summary>Runs a job with live progress per stage and prints its summary; Ctrl+C cancels and leaves targets untouched.</summary>
internal static class JobConsole
{
    /// <summary>Runs the spec and records the run in the metastore's runs (as job "adhoc-&lt;name&gt;").</summary>
    public static RunSummary Run(JobSpec spec, SessionOptions options, CancellationToken cancellation)
    {
        using var store = Catalog.Metastores.Open(options.Metastore, options.Home);
        var jobs = SqlJobStore.Of(store);
        var history = QualityHistory.Of(jobs, $"adhoc-{spec.Name ?? "job"}");
        return JobRunner.Record(jobs, spec, options, recorded => RunNow(spec, recorded, history, cancellation));
    }

    private static RunSummary RunNow(JobSpec spec, SessionOptions options, Func<string, Quality.MetricHistory> history, CancellationToken cancellation)
    {
        AnsiConsole.MarkupLineInterpolated($"Job [bold]{spec.Name}[/] on {options.NumberOfWorkers} × {options.WorkerType} = {options.Slots} slots");
        RunOutcome? outcome = null;
        if (AnsiConsole.Profile.Capabilities.Interactive)
        {
            AnsiConsole.Progress()
                .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new ElapsedTimeColumn())
                .Start(ctx =>
                {
                    var session = new GlintSession(options with { Listener = RunListeners.Both(options.Listener, new ProgressListener(ctx)) });
                    var plan = JobPlanner.Plan(spec, session, history: history);
                    outcome = session.Run(plan.Actions, cancellation, plan.Gate);
                });
        }
        else
        {
            var session = new GlintSession(options with { Listener = RunListeners.Both(options.Listener, new LineListener()) });
            var plan = JobPlanner.Plan(spec, session, history: history);
            outcome = session.Run(plan.Actions, cancellation, plan.Gate);
        }
        Print(outcome!.Summary);
        return outcome.Summary;
    }

    /// <summary>
    /// Rows read, counted exactly from Parquet footers; a CSV or JSON source has no count without a second pass, so it is named
    /// as not counted rather than hiding the count of the others.
    /// </summary>
    private static string RowsIn(RunSummary s)
    {
        if (s.RowsIn is { } all) return all.ToString("N0", CultureInfo.InvariantCulture);
        // Per task of the stages that read sources: a stage may read a Parquet and a CSV source side by side (a union).
        var reads = s.Stages.Where(x => x.DependsOn.IsEmpty).Select(x => x.Id).ToHashSet();
        var tasks = s.Attempts.Where(a => a.Succeeded && reads.Contains(a.Id.Task.Stage) && a.Result is not null).ToList();
        var counted = tasks.Where(a => a.Result!.RowsIn is not null).ToList();
        if (counted.Count == 0) return "n/a (CSV/JSON input)";
        var uncounted = tasks.Count - counted.Count;
        return $"{counted.Sum(a => a.Result!.RowsIn!.Value).ToString("N0", CultureInfo.InvariantCulture)} + n/a " +
            $"(CSV/JSON input of {uncounted} task{(uncounted == 1 ? "" : "s")})";
    }

    public static void Print(RunSummary s)
    {
        var table = new Table().Border(TableBorder.Rounded).HideHeaders().AddColumn("").AddColumn("");
        void Row(string k, string v) => table.AddRow(new Text(k), new Text(v));
        Row("run", s.RunId.ToString());
        Row("state", s.Succeeded ? "SUCCEEDED" : "FAILED");
        Row("rows in / out", $"{RowsIn(s)} / {s.RowsOut:N0}");
        Row("files written", $"{s.FilesWritten:N0} ({Bytes.Format(s.BytesWritten)})");
        if (s.ErrorRecords > 0) Row("error records", $"{s.ErrorRecords:N0} malformed input rows, in {s.ErrorFile}");
        Row("stages / tasks / attempts", $"{s.Stages.Length} / {s.Tasks} / {s.Attempts.Length} ({s.FailedAttempts} failed)");
        foreach (var stage in s.Stages.Where(x => !x.Buckets.IsEmpty))
        {
            var largest = stage.Buckets.MaxBy(b => b.Bytes)!;
            Row($"shuffle of stage {stage.Id}", $"{Bytes.Format(stage.Buckets.Sum(b => b.Bytes))}, {stage.Buckets.Sum(b => b.Rows):N0} rows in {stage.Buckets.Length} non-empty buckets; largest: bucket {largest.Bucket}, {Bytes.Format(largest.Bytes)}");
        }
        foreach (var stage in s.Stages.Where(x => !x.Fused.IsEmpty))
            Row($"fused, stage {stage.Id}", $"computed {string.Join(", ", stage.Fused)} in {(stage.Tasks == 1 ? "its task" : "its tasks")} on {stage.TaskSlots} slot{(stage.TaskSlots == 1 ? "" : "s")} (no exchange files)");
        foreach (var stage in s.Stages)
            foreach (var decision in stage.Decisions)
                Row($"adaptive, stage {stage.Id}", decision.Text);
        foreach (var o in s.Quality)
            Row($"quality, {o.Ruleset}", $"{o.Outcome}: {o.Rule}{(o.Reason is null ? "" : $" ({o.Reason})")}");
        Row("wall time", $"{s.Wall.TotalSeconds.ToString("0.00", CultureInfo.InvariantCulture)} s");
        Row("workers", $"{s.Workers} × {s.WorkerType}");
        Row("DPU-seconds", $"{s.DpuSeconds.ToString("0.0", CultureInfo.InvariantCulture)} (billed minimum {Meter.MinimumBilledSeconds:0} s)");
        Row("cost", $"${s.Cost.ToString("0.0000", CultureInfo.InvariantCulture)} at ${s.DollarsPerDpuHour.ToString(CultureInfo.InvariantCulture)} per DPU-hour");
        foreach (var t in s.Targets)
            Row("output", $"{t.Location} ({t.FilesWritten} files, {t.RowsWritten:N0} rows, {Bytes.Format(t.BytesWritten)})");
        AnsiConsole.Write(table);
    }

    private sealed class ProgressListener(ProgressContext context) : IRunListener
    {
        private readonly Dictionary<StageId, ProgressTask> bars = [];
        private readonly Lock gate = new();

        public void StageStarted(StageId stage, string name, int tasks)
        {
            lock (gate) bars[stage] = context.AddTask(Markup.Escape($"stage {stage} {name} (0/{tasks} tasks)"), maxValue: Math.Max(1, tasks));
        }

        public void TaskAttemptFinished(TaskAttemptRecord attempt)
        {
            if (!attempt.Succeeded) return;
            lock (gate)
            {
                if (!bars.TryGetValue(attempt.Id.Task.Stage, out var bar)) return;
                bar.Increment(1);
                var desc = bar.Description;
                var open = desc.LastIndexOf('(');
                bar.Description = desc[..open] + $"({(int)bar.Value}/{(int)bar.MaxValue} tasks)";
            }
        }
    }

    /// <summary>Progress as plain lines (piped output), each starting with the run id, the run's correlation id.</summary>
    private sealed class LineListener : IRunListener
    {
        private readonly Dictionary<StageId, (string Name, int Tasks)> stages = [];
        private readonly Lock gate = new();
        private string run = "run";

        public void RunStarted(RunId id) => run = id.Value;

        public void StageStarted(StageId stage, string name, int tasks)
        {
            lock (gate) stages[stage] = (name, tasks);
            Console.WriteLine($"{run} stage {stage} {name}: {tasks} tasks started");
        }

        public void TaskAttemptFinished(TaskAttemptRecord attempt)
        {
            if (!attempt.Succeeded && attempt.Error != "cancelled")
                Console.WriteLine($"{run}   attempt {attempt.Id} failed: {attempt.Error}");
        }

        public void StageFinished(StageId stage)
        {
            lock (gate) Console.WriteLine($"{run} stage {stage} {stages[stage].Name}: {stages[stage].Tasks}/{stages[stage].Tasks} tasks done");
        }
    }
}
