using System.Diagnostics;
using Glint.Catalog;
using Glint.Common;
using Glint.Execution.Commit;
using Glint.Plan;
using Glint.Storage;
using Glint.Storage.Databases;

namespace Glint.Execution;

/// <summary>What a run returned besides its summary: collected rows or a count, per action.</summary>
public sealed record RunOutcome(RunSummary Summary, IReadOnlyDictionary<StageId, IReadOnlyList<object?[]>> Rows, IReadOnlyDictionary<StageId, long> Counts);

/// <summary>
/// Drives one run: creates the slots, runs stages as their inputs become ready, then commits every
/// target. A failure or cancellation aborts every target, which are left exactly as they were.
/// </summary>
internal sealed class RunDriver(SessionOptions options)
{
    private sealed class NoListener : IRunListener;

    /// <summary>Passes events on, and reports every finished attempt to <see cref="Telemetry"/>.</summary>
    private sealed class TelemetryListener(IRunListener inner, RunId run, System.Diagnostics.ActivityContext context) : IRunListener
    {
        public void RunStarted(RunId id) => inner.RunStarted(id);
        public void StageStarted(StageId stage, string name, int tasks) => inner.StageStarted(stage, name, tasks);
        public void StageFinished(StageId stage) => inner.StageFinished(stage);

        public void TaskAttemptFinished(TaskAttemptRecord attempt)
        {
            Telemetry.Attempt(context, run, attempt);
            inner.TaskAttemptFinished(attempt);
        }
    }

    /// <summary>Runs the plan; the listener hears of every task attempt, so a caller recording a failed run has them too.</summary>
    /// <param name="tables">catalog tables the plan writes: registered as part of the commit</param>
    /// <param name="gate">checks the collected rows before the commit (data-quality rules); it may stop the run</param>
    public RunOutcome Execute(PhysicalPlan plan, CancellationToken cancellation, IReadOnlyList<CatalogRegistration>? tables = null, RunGate? gate = null) =>
        Run(options.Place(plan), cancellation, tables ?? [], gate);

    /// <summary>The run as a sequence of named steps; every step that can fail before the commit point leaves targets untouched.</summary>
    private RunOutcome Run(PhysicalPlan plan, CancellationToken cancellation, IReadOnlyList<CatalogRegistration> tables, RunGate? gate)
    {
        var runId = options.RunId ?? RunId.New();
        var run = new RunContext(runId, Path.Combine(options.Home, "scratch", runId.Value), options.Settings) { Slots = options.Slots };
        // Runs whose process died are finished or undone before this one looks at any target.
        RunRecovery.Recover(options.Home, () => options.Ledger?.Ledger ?? OpenLedger(), options.Settings.S3);
        using var commit = BeginCommit(plan, run, tables);
        var started = DateTime.UtcNow;
        var clock = Stopwatch.StartNew();
        (options.Listener ?? new NoListener()).RunStarted(runId);
        using var span = Telemetry.Source.StartActivity("glint.run");
        span?.SetTag("glint.run_id", runId.Value);
        var listener = new TelemetryListener(options.Listener ?? new NoListener(), runId, span?.Context ?? default);
        // In-process slots, or the slots of a cluster's executors (which may join and leave while the run goes).
        var slots = options.Pool is null ? CreateSlots(run.ScratchFolder) : [];
        var (workerType, workers) = options.Pool?.Size ?? (options.WorkerType, options.NumberOfWorkers);
        using var cap = CostCap.Start(options.Settings, workerType, workers, options.Time, cancellation);
        var scheduler = new SlotScheduler(slots, options.Pool?.Runner ?? new SqlTaskRunner(), options.Settings.TaskMaxAttempts, listener, options.FaultInjector, cap.Token);
        var attached = options.Pool?.Attach(scheduler);
        var succeeded = false;
        try
        {
            var stages = new StageLoop(plan, run, scheduler, listener).Run();
            cancellation.ThrowIfCancellationRequested();
            cap.ThrowIfReached();
            // Before the commit point: a gate that throws leaves every target untouched.
            var quality = gate?.Check([.. Collected(plan, stages).OrderBy(r => r.Key.Value).Select(r => r.Value)]) ?? [];
            var summary = CommitRun(plan, commit, stages, scheduler, clock, new RunSummary(runId, true, null, workerType, workers, started, clock.Elapsed,
                null, 0, [], [], []) { MeteredDpuSeconds = attached?.MeteredDpuSeconds, Quality = [.. quality], MinimumBilledSeconds = options.MinimumBilledSeconds });
            succeeded = true;
            return Outcome(plan, summary, stages);
        }
        catch (Exception e) when (cap.Stopped(e, cancellation))
        {
            throw cap.Error(runId);
        }
        catch (OperationCanceledException)
        {
            throw new RunCancelledException($"run {runId} cancelled; no target was changed");
        }
        finally
        {
            attached?.Dispose();
            scheduler.Dispose(); // joins the workers: no task still runs on a slot or writes under a target
            Finish(run, commit, slots, succeeded, clock.Elapsed, span);
        }
    }

    /// <summary>Checks the error records, then one commit over every target and the run's ledger entry, which records the summary.</summary>
    private RunSummary CommitRun(PhysicalPlan plan, CommitCoordinator commit, StageResults stages, SlotScheduler scheduler, Stopwatch clock, RunSummary head)
    {
        var (errorCount, errorFile) = ErrorRecords.Check(head.RunId, stages.Results, options);
        var firstStages = plan.Stages.Where(s => s.DependsOn.IsEmpty).Select(s => s.Id).ToHashSet();
        var outputs = plan.Stages.Where(s => s.Sink is TargetSink or DatabaseTargetSink or CollectSink or CountSink).Select(s => s.Id).ToHashSet();
        // Before the commit point a failure undoes it all.
        var summary = commit.Commit(stages.Written, committed => head with
        {
            Wall = clock.Elapsed,
            RowsIn = Sums.OrNull(stages.Summaries.Where(s => firstStages.Contains(s.Id)).Select(s => s.RowsIn)),
            RowsOut = stages.Summaries.Where(s => outputs.Contains(s.Id)).Sum(s => s.RowsOut),
            Targets = committed,
            Stages = [.. stages.Summaries],
            Attempts = [.. scheduler.Attempts.OrderBy(a => a.StartedUtc)],
            DollarsPerDpuHour = options.Settings.DollarsPerDpuHour,
            ErrorRecords = errorCount,
            ErrorFile = errorFile,
        });
        Telemetry.DpuSeconds.Add(summary.DpuSeconds, new TagList { { "glint.run_id", summary.RunId.Value } });
        Telemetry.Quality(summary.RunId, summary.Quality);
        return summary;
    }

    /// <summary>The summary with each action's collected rows and counts.</summary>
    private static RunOutcome Outcome(PhysicalPlan plan, RunSummary summary, StageResults stages) => new(summary, Collected(plan, stages),
        plan.Stages.Where(s => s.Sink is CountSink).ToDictionary(s => s.Id, s => stages.Results[s.Id].Values.Sum(r => r.RowsOut)));

    /// <summary>The rows of each collecting stage, in task order.</summary>
    private static Dictionary<StageId, IReadOnlyList<object?[]>> Collected(PhysicalPlan plan, StageResults stages) =>
        plan.Stages.Where(s => s.Sink is CollectSink).ToDictionary(s => s.Id,
            s => (IReadOnlyList<object?[]>)stages.Results[s.Id].OrderBy(r => r.Key.Partition).SelectMany(r => r.Value.Rows ?? []).ToList());

    /// <summary>After the run, succeeded or not: telemetry, the undo of a failed commit, the slots, the metastore and the scratch.</summary>
    private void Finish(RunContext run, CommitCoordinator commit, List<ITaskSlot> slots, bool succeeded, TimeSpan elapsed, Activity? span)
    {
        var outcome = new TagList { { "glint.run_id", run.RunId.Value }, { "glint.succeeded", succeeded } };
        Telemetry.Runs.Add(1, outcome);
        Telemetry.RunDuration.Record(elapsed.TotalSeconds, outcome);
        if (!succeeded) span?.SetStatus(ActivityStatusCode.Error);
        if (!succeeded) commit.Abort();
        foreach (var slot in slots.OfType<Slot>()) slot.Dispose();
        catalog?.Dispose();
        // Scratch goes with the run, failed or not, unless asked to keep it (keep_scratch) for looking into.
        if (!options.Settings.KeepScratch && Directory.Exists(run.ScratchFolder))
            Directory.Delete(run.ScratchFolder, recursive: true);
        if (!options.Settings.KeepScratch && run.ExchangesOnS3)
            DeleteRemoteScratch(run);
    }

    /// <summary>The run's committers, one per target, under the coordinator that locks and journals them before any task.</summary>
    private CommitCoordinator BeginCommit(PhysicalPlan plan, RunContext run, IReadOnlyList<CatalogRegistration> tables)
    {
        var committers = new List<(StageId, ITargetCommitter, string)>();
        try
        {
            foreach (var stage in plan.Stages)
                if (stage.Sink is TargetSink t) committers.Add((stage.Id, ITargetCommitter.For(t.Target, run), CanonicalPath.Of(t.Target.Path)));
                else if (stage.Sink is DatabaseTargetSink d) committers.Add((stage.Id, new DatabaseTargetCommitter(d.Target, run), d.Target.ToString()));
            // The checkpoint's lock keeps two processes from committing batches of one stream at once.
            if (options.Checkpoint is { } checkpoint)
                committers.Add((CheckpointStage, new CheckpointCommitter(checkpoint, options.Settings.S3), "checkpoint " + CanonicalPath.Of(checkpoint.Folder)));
            return CommitCoordinator.Begin(options.Home, run.RunId, run.ScratchFolder, committers, options.Ledger, options.Settings.KeepScratch,
                tables, () => catalog ??= Catalog.Metastores.Open(options.Metastore, options.Home), options.Settings.S3);
        }
        catch (GlintException)
        {
            foreach (var (_, committer, _) in committers) committer.RollBack(committer.Staged);
            throw;
        }
    }

    private IMetastore? catalog;

    /// <summary>The stage id a checkpoint's committer is filed under: no stage writes files for it.</summary>
    private static readonly StageId CheckpointStage = new(-1);

    /// <summary>The metastore this process uses, for recovering a dead run recorded there (null when it cannot be opened).</summary>
    private IRunLedger? OpenLedger()
    {
        try { return Catalog.Metastores.Open(options.Metastore, options.Home) as IRunLedger; }
        catch (GlintException) { return null; }
    }

    /// <summary>Removes a run's exchange objects from its s3:// scratch prefix.</summary>
    private static void DeleteRemoteScratch(RunContext run)
    {
        try
        {
            var store = new Storage.ObjectStores.ObjectStore(run.Settings.S3);
            var prefix = Common.S3Uri.Parse(run.ExchangeRoot);
            store.Delete([.. store.List(prefix with { Key = prefix.Prefix }).Select(o => o.Uri)]);
        }
        catch (GlintException) { } // leftovers under the run's own prefix; they never mix with another run's
    }

    private List<ITaskSlot> CreateSlots(string scratch)
    {
        var slots = new List<ITaskSlot>();
        for (var w = 0; w < options.NumberOfWorkers; w++)
            for (var s = 0; s < options.WorkerType.VCpus; s++)
                slots.Add(new Slot(w, s, options.WorkerType.MemoryPerSlot, Path.Combine(scratch, "slots", $"w{w}-s{s}")));
        return slots;
    }
}
