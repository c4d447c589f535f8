using System.Collections.Immutable;
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
    public RunOutcome Execute(PhysicalPlan plan, CancellationToken cancellation, IReadOnlyList<CatalogRegistration>? tables = null) =>
        Run(plan, cancellation, tables ?? []);

    private RunOutcome Run(PhysicalPlan plan, CancellationToken cancellation, IReadOnlyList<CatalogRegistration> tables)
    {
        var listener = options.Listener ?? new NoListener();
        var runId = options.RunId ?? RunId.New();
        var scratch = Path.Combine(options.Home, "scratch", runId.Value);
        var run = new RunContext(runId, scratch, options.Settings) { Slots = options.Slots };
        // Runs whose process died are finished or undone before this one looks at any target.
        RunRecovery.Recover(options.Home, () => options.Ledger?.Ledger ?? OpenLedger(), options.Settings.S3);
        using var commit = BeginCommit(plan, run, tables);
        var started = DateTime.UtcNow;
        var clock = Stopwatch.StartNew();
        listener.RunStarted(runId);
        using var span = Telemetry.Source.StartActivity("glint.run");
        span?.SetTag("glint.run_id", runId.Value);
        var spanContext = span?.Context ?? default;
        var observed = new TelemetryListener(listener, runId, spanContext);
        listener = observed;
        // In-process slots, or the slots of a cluster's executors (which may join and leave while the run goes).
        var slots = options.Pool is null ? CreateSlots(scratch) : [];
        var (workerType, workers) = options.Pool?.Size ?? (options.WorkerType, options.NumberOfWorkers);
        // A cost cap is a deadline: DPU-seconds grow with wall time at workers × DPUs per worker.
        using var capped = CancellationTokenSource.CreateLinkedTokenSource(cancellation);
        var cap = options.Settings.DpuSecondsCap();
        var dpus = workers * workerType.Dpus;
        if (cap is { } c && dpus > 0) Meter.CheckCap(c, workerType, workers, options.Settings.DollarsPerDpuHour);
        using var deadline = cap is { } d && dpus > 0
            ? options.Time.CreateTimer(_ => capped.Cancel(), null, TimeSpan.FromSeconds(d / dpus), Timeout.InfiniteTimeSpan)
            : null;
        var capClock = options.Time.GetTimestamp();
        var scheduler = new SlotScheduler(slots, options.Pool?.Runner ?? new SqlTaskRunner(), options.Settings.TaskMaxAttempts, listener, options.FaultInjector, capped.Token);
        var attached = options.Pool?.Attach(scheduler);
        var results = new Dictionary<StageId, IReadOnlyDictionary<TaskId, TaskResult>>();
        var written = new Dictionary<StageId, IReadOnlyList<WrittenFile>>();
        var stageSummaries = new List<StageSummary>();
        var succeeded = false;
        try
        {
            // Each stage is submitted the moment every stage it reads has committed; the slots are shared.
            var pending = plan.Stages.ToList();
            var running = new Dictionary<Task<IReadOnlyDictionary<TaskId, TaskResult>>, (Stage Stage, Stopwatch Clock)>();
            var decided = new Dictionary<StageId, ImmutableArray<string>>();
            while (pending.Count > 0 || running.Count > 0)
            {
                foreach (var stage in pending.Where(s => s.DependsOn.All(results.ContainsKey)).ToList())
                {
                    var tasks = StageTasks.Tasks(stage, run, written, out var decisions);
                    decided[stage.Id] = decisions;
                    listener.StageStarted(stage.Id, Name(stage), tasks.Length);
                    running[scheduler.Submit(tasks)] = (stage, Stopwatch.StartNew());
                    pending.Remove(stage);
                }
                if (running.Count == 0)
                    throw new InvalidOperationException("stages wait on each other: " + string.Join(", ", pending.Select(p => p.Id)));
                var finished = running.Keys.ToArray()[Task.WaitAny(running.Keys.ToArray())];
                var (done, stageClock) = running[finished];
                running.Remove(finished);
                var mine = finished.GetAwaiter().GetResult(); // throws the run's failure or cancellation
                results[done.Id] = mine;
                written[done.Id] = Files(mine);
                stageSummaries.Add(new StageSummary(done.Id, Name(done), mine.Count,
                    scheduler.Attempts.Count(a => a.Id.Task.Stage == done.Id),
                    SumOrNull(mine.Values.Select(r => r.RowsIn)), mine.Values.Sum(r => r.RowsOut), mine.Values.Sum(r => r.BytesOut), stageClock.Elapsed,
                    done.Sink is ShuffleSink ? BucketsOf(written[done.Id]) : [])
                {
                    DependsOn = done.DependsOn,
                    PlannedTasks = done.TaskCount,
                    Decisions = decided[done.Id],
                });
                listener.StageFinished(done.Id);
            }
            cancellation.ThrowIfCancellationRequested();
            // The timer may fire after the last task finished but before commit: the meter, not the timer, decides.
            if (cap is { } limit && dpus > 0 && Meter.DpuSeconds(workerType, workers, options.Time.GetElapsedTime(capClock)) > limit) capped.Cancel();
            capped.Token.ThrowIfCancellationRequested();
            var (errorCount, errorFile) = ErrorRecords.Check(runId, results, options);
            var firstStages = plan.Stages.Where(s => s.DependsOn.IsEmpty).Select(s => s.Id).ToHashSet();
            // One commit over every target and the run's ledger entry; before its commit point a failure undoes it all.
            var summary = commit.Commit(written, committed => new RunSummary(runId, true, null, workerType, workers, started, clock.Elapsed,
                SumOrNull(stageSummaries.Where(s => firstStages.Contains(s.Id)).Select(s => s.RowsIn)),
                plan.Stages.Where(s => s.Sink is TargetSink or DatabaseTargetSink or CollectSink or CountSink).Sum(s => stageSummaries.First(x => x.Id == s.Id).RowsOut),
                committed, [.. stageSummaries.OrderBy(s => s.Id.Value)], [.. scheduler.Attempts.OrderBy(a => a.StartedUtc)])
            {
                MeteredDpuSeconds = attached?.MeteredDpuSeconds,
                DollarsPerDpuHour = options.Settings.DollarsPerDpuHour,
                ErrorRecords = errorCount,
                ErrorFile = errorFile,
            });
            succeeded = true;
            Telemetry.DpuSeconds.Add(summary.DpuSeconds, new System.Diagnostics.TagList { { "glint.run_id", runId.Value } });
            return new RunOutcome(summary,
                plan.Stages.Where(s => s.Sink is CollectSink).ToDictionary(s => s.Id,
                    s => (IReadOnlyList<object?[]>)results[s.Id].OrderBy(r => r.Key.Partition).SelectMany(r => r.Value.Rows ?? []).ToList()),
                plan.Stages.Where(s => s.Sink is CountSink).ToDictionary(s => s.Id, s => results[s.Id].Values.Sum(r => r.RowsOut)));
        }
        catch (Exception e) when (e is OperationCanceledException or RunCancelledException && capped.IsCancellationRequested &&
                                  !cancellation.IsCancellationRequested && cap is not null)
        {
            throw new CostCapException(
                $"run {runId} stopped at its cost cap of {cap:0.#} DPU-seconds (${cap / 3600 * options.Settings.DollarsPerDpuHour:0.0000}; {workers} × {workerType} for {options.Time.GetElapsedTime(capClock).TotalSeconds:0.0} s); no target was changed");
        }
        catch (OperationCanceledException)
        {
            throw new RunCancelledException($"run {runId} cancelled; no target was changed");
        }
        finally
        {
            attached?.Dispose();
            scheduler.Dispose(); // joins the workers: no task still runs on a slot or writes under a target
            var outcome = new System.Diagnostics.TagList { { "glint.run_id", runId.Value }, { "glint.succeeded", succeeded } };
            Telemetry.Runs.Add(1, outcome);
            Telemetry.RunDuration.Record(clock.Elapsed.TotalSeconds, outcome);
            if (!succeeded) span?.SetStatus(System.Diagnostics.ActivityStatusCode.Error);
            if (!succeeded) commit.Abort();
            foreach (var slot in slots.OfType<Slot>()) slot.Dispose();
            catalog?.Dispose();
            // Scratch goes with the run, failed or not, unless asked to keep it (keep_scratch) for looking into.
            if (!options.Settings.KeepScratch && Directory.Exists(scratch))
                Directory.Delete(scratch, recursive: true);
            if (!options.Settings.KeepScratch && run.ExchangesOnS3)
                DeleteRemoteScratch(run);
        }
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

    /// <summary>Rows and bytes per bucket, from the bucket folder each map output file sits in.</summary>
    private static ImmutableArray<BucketStats> BucketsOf(IReadOnlyList<WrittenFile> files) =>
        files.GroupBy(f => ShuffleSink.BucketOf(f.RelativePath))
            .Select(g => new BucketStats(g.Key, g.Sum(f => f.Rows ?? 0), g.Sum(f => f.Bytes)))
            .OrderBy(b => b.Bucket)
            .ToImmutableArray();

    private static long? SumOrNull(IEnumerable<long?> values)
    {
        long sum = 0;
        foreach (var v in values)
        {
            if (v is null) return null;
            sum += v.Value;
        }
        return sum;
    }

    private static List<WrittenFile> Files(IReadOnlyDictionary<TaskId, TaskResult> results) =>
        results.OrderBy(r => r.Key.Partition).SelectMany(r => r.Value.Files).ToList();

    private static string Name(Stage stage) => stage.Sink switch
    {
        TargetSink t => $"write {t.Target.Path}",
        DatabaseTargetSink d => $"write table {d.Target.Table}",
        ScratchSink => "exchange",
        ShuffleSink s => $"shuffle map ({s.Buckets} buckets)",
        CollectSink => "collect",
        CountSink => "count",
        _ => stage.Sink.GetType().Name,
    };
}
