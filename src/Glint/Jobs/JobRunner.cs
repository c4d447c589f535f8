using System.Collections.Immutable;
using Glint.Api;
using Glint.Common;
using Glint.Execution;
using Glint.Execution.Commit;
using Glint.Storage;
using Glint.Storage.Databases;

namespace Glint.Jobs;

/// <summary>
/// Runs a stored job: substitutes its arguments, reads only what its bookmarks have not seen, records
/// the run in the metastore (renewing a lease while it runs), retries failed attempts, enforces the
/// timeout and stop requests, and advances the bookmarks in the same transaction as the run's success.
/// </summary>
public sealed class JobRunner(IJobStore store, SessionOptions defaults)
{
    /// <summary>The environment variable that sets <see cref="Lease"/> in seconds.</summary>
    public const string LeaseVariable = "GLINT_JOB_LEASE_SECONDS";

    /// <summary>A run whose heartbeat is older than this is taken as dead by the next start (default 30 s, or GLINT_JOB_LEASE_SECONDS).</summary>
    public TimeSpan Lease { get; init; } = TimeSpan.FromSeconds(
        int.TryParse(Environment.GetEnvironmentVariable(LeaseVariable), out var seconds) && seconds > 0 ? seconds : 30);

    /// <summary>How often a running job renews its lease: a tenth of the lease, at most every 3 s.</summary>
    public TimeSpan HeartbeatEvery => TimeSpan.FromMilliseconds(Math.Min(3000, Lease.TotalMilliseconds / 10));

    /// <summary>The spec text with every ${name} filled as a value (see <see cref="SpecArguments"/>); an unknown name fails before anything is recorded.</summary>
    public static string Substitute(string spec, IReadOnlyDictionary<string, string> arguments, string job) =>
        SpecArguments.Apply(spec, arguments, $"job '{job}'");

    /// <summary>Records an ad-hoc run of a spec (<c>glint run</c>) under the job name "adhoc-&lt;spec name&gt;", around <paramref name="run"/>.</summary>
    /// <remarks><paramref name="run"/> gets the run's id and its ledger binding: the run's success is recorded by its commit.</remarks>
    /// <param name="options">the run's pool and prices, which bill a failed run too</param>
    /// <param name="job">the job name to record under, instead of "adhoc-&lt;spec name&gt;" (a streaming job's batches)</param>
    /// <param name="arguments">what the run is recorded with (a batch's number)</param>
    public static RunSummary Record(IJobStore store, JobSpec spec, SessionOptions options, Func<SessionOptions, RunSummary> run, string? job = null,
        ImmutableDictionary<string, string>? arguments = null)
    {
        var recorded = store.StartRun(job ?? $"adhoc-{spec.Name ?? "job"}", 1, null, arguments ?? ImmutableDictionary<string, string>.Empty, int.MaxValue, TimeSpan.FromDays(365));
        var log = new AttemptLog(options.Listener);
        try
        {
            var binding = Binding(store, _ => null);
            var s = run(options with { RunId = recorded.RunId, Ledger = binding, Listener = log });
            if (binding is null) store.FinishRun(recorded.RunId, RunState.Succeeded, null, RecordOf(s), attempts: [.. s.Attempts.Select(AttemptRows.Of)]);
            return s;
        }
        catch (RunCancelledException e)
        {
            store.FinishRun(recorded.RunId, RunState.Stopped, e.Message, Billed(recorded, options, log), attempts: log.Rows());
            throw;
        }
        catch (GlintException e)
        {
            store.FinishRun(recorded.RunId, RunState.Failed, e.Message, Billed(recorded, options, log), attempts: log.Rows());
            throw;
        }
    }

    /// <summary>The run's ledger entry, written by its commit: the record and, for a bookmarked job, the bookmarks it advances.</summary>
    private static RunLedgerBinding? Binding(IJobStore store, Func<RunSummary, IReadOnlyDictionary<string, Bookmark>?> bookmarks) =>
        store.Ledger is { } ledger
            ? new RunLedgerBinding(ledger, s => new RunCompletion(RecordOf(s), bookmarks(s), [.. s.Attempts.Select(AttemptRows.Of)]).ToJson())
            : null;

    /// <summary>
    /// What a run that did not succeed (failed, stopped, timed out, cost-capped) is billed, as Glue bills it: its pool for its
    /// wall time from start to end, at least a minute. It wrote nothing, so rows and files are zero.
    /// </summary>
    internal static RunRecord Billed(JobRun run, SessionOptions options, AttemptLog? log)
    {
        var (type, workers) = options.Pool?.Size ?? (options.WorkerType, options.NumberOfWorkers);
        var wall = DateTimeOffset.UtcNow - run.Started;
        var dpuSeconds = Meter.DpuSeconds(type, workers, wall);
        IReadOnlyList<TaskAttemptRecord> attempts = log?.All ?? [];
        return new RunRecord(null, 0, 0, 0, attempts.Select(a => a.Id.Task).Distinct().Count(), attempts.Count, wall.TotalSeconds, dpuSeconds,
            dpuSeconds / 3600 * options.Settings.DollarsPerDpuHour, WorkerType: type.Name, Workers: workers, Slots: type.VCpus * workers);
    }

    private static RunRecord RecordOf(RunSummary s) =>
        new(s.RowsIn, s.RowsOut, s.FilesWritten, s.BytesWritten, s.Tasks, s.Attempts.Length, s.Wall.TotalSeconds, s.DpuSeconds, s.Cost, s.ErrorRecords,
            s.WorkerType.Name, s.Workers, s.WorkerType.VCpus * s.Workers, [.. s.Stages.Select(StageRecord.From)], s.ErrorFile,
            s.Quality.IsEmpty ? null : s.Quality);

    /// <summary>Runs the job (and its retries); returns the last attempt.</summary>
    /// <param name="bookmarks">this run's bookmark option, instead of the job's (Glue's --job-bookmark-option in a run's arguments)</param>
    public JobRun Start(string jobName, IReadOnlyDictionary<string, string> arguments, CancellationToken cancellation = default, Action<JobRun>? started = null,
        BookmarkOption? bookmarks = null)
    {
        var job = WithScript(store.RequireJob(jobName)).Checked();
        if (bookmarks is { } option) job = job with { Bookmarks = option };
        if (job.Bookmarks != BookmarkOption.Disable && job.MaxConcurrentRuns > 1)
            throw new SpecException(ConcurrentBookmarks(job.Name, job.MaxConcurrentRuns));
        Secrets.CheckArguments(arguments, $"job '{job.Name}'", job.Spec);
        var args = job.DefaultArguments.SetItems(arguments);
        var spec = JobSpecLoader.Parse(Substitute(job.Spec, args, job.Name), job.BaseFolder ?? Directory.GetCurrentDirectory(), $"job '{job.Name}'");
        // A pool no run could have is refused before a run is recorded (and billed).
        JobPlanner.Options(spec, defaults, job.WorkerType, job.Workers).Checked();
        RunRecovery.Recover(defaults.Home, () => store.Ledger, defaults.Settings.S3);
        JobRun? previous = null;
        for (var attempt = 1; attempt <= job.MaxRetries + 1; attempt++)
        {
            var run = store.StartRun(job.Name, attempt, previous?.RunId, args, job.MaxConcurrentRuns, Lease);
            started?.Invoke(run);
            previous = Execute(job, spec, run, cancellation);
            // A quality gate fails the same way on the same input: it is not retried.
            if (previous.State != RunState.Failed || cancellation.IsCancellationRequested || previous.Error?.StartsWith(QualityFailure, StringComparison.Ordinal) == true) break;
        }
        return previous!;
    }

    /// <summary>How the error of a run stopped by a quality gate begins.</summary>
    private const string QualityFailure = "data quality: ";

    private JobRun Execute(JobDefinition job, JobSpec spec, JobRun run, CancellationToken cancellation)
    {
        using var cancel = CancellationTokenSource.CreateLinkedTokenSource(cancellation);
        cancel.CancelAfter(TimeSpan.FromMinutes(job.TimeoutMinutes));
        var stopRequested = false;
        // Finished attempts reach the metastore with each heartbeat, so a console shows the run as it goes.
        var progress = new AttemptLog(defaults.Listener);
        using var heartbeat = new Timer(_ =>
        {
            try
            {
                if (progress.Take() is { Count: > 0 } finished) store.RecordAttempts(run.RunId, finished);
                if (store.Heartbeat(run.RunId))
                {
                    stopRequested = true;
                    cancel.Cancel();
                }
            }
            catch (Exception) { /* the next beat tries again; a lease outlives a few missed beats */ }
        }, null, HeartbeatEvery, HeartbeatEvery);
        // The pool is known before the try, so a run that fails anywhere is still billed for it.
        SessionOptions options;
        try { options = JobPlanner.Options(spec, defaults, job.WorkerType, job.Workers) with { RunId = run.RunId, Listener = progress }; }
        catch (GlintException e) { return store.FinishRun(run.RunId, RunState.Failed, e.Message, null, attempts: []); }
        try
        {
            var bookmarks = job.Bookmarks == BookmarkOption.Disable
                ? new Dictionary<string, Bookmark>()
                : store.Bookmarks(job.Name).ToDictionary(b => b.Source, b => b.State);
            var read = new Dictionary<string, ImmutableArray<SourceFile>>();
            var keysRead = new Dictionary<string, KeyBookmark>();
            var binding = Binding(store, _ => Advanced(job, bookmarks, read, keysRead));
            var session = new GlintSession(options with { Ledger = binding });
            FileSource Unseen(string name, FileSource source)
            {
                if (job.Bookmarks == BookmarkOption.Disable) return source;
                var seen = bookmarks.TryGetValue(name, out var bookmark) ? bookmark.Contains() : _ => false;
                var fresh = source.Files.Where(f => !seen(f)).ToImmutableArray();
                read[name] = fresh;
                return source with { Files = fresh };
            }
            DatabaseSource PastLastKey(string name, DatabaseSource source)
            {
                if (job.Bookmarks == BookmarkOption.Disable) return source;
                var last = bookmarks.GetValueOrDefault(name)?.Keys;
                if (last is not null && !last.Columns.SequenceEqual(source.Options.BookmarkKeys, StringComparer.OrdinalIgnoreCase))
                    throw new SourceException(name, $"source '{name}': the bookmark was kept on ({string.Join(", ", last.Columns)}) but the source's bookmark_keys are ({string.Join(", ", source.Options.BookmarkKeys)}); reset the bookmark first (glint bookmark reset {job.Name} --source {name})");
                var windowed = DatabaseSourceResolver.WithWindow(source, last?.Last);
                if (windowed.Window!.UpTo is { } upTo) keysRead[name] = new KeyBookmark(windowed.Window.Keys, windowed.Window.Descending, upTo);
                return windowed;
            }
            var plan = JobPlanner.Plan(spec, session, new SourceRewrites(Unseen, PastLastKey), QualityHistory.Of(store, job.Name));
            var outcome = session.Run(plan.Actions, cancel.Token, plan.Gate);
            var s = outcome.Summary;
            // The commit recorded the success and the bookmarks in the ledger (exactly once, even across a crash).
            return binding is not null
                ? store.FindRun(run.RunId)!
                : store.FinishRun(run.RunId, RunState.Succeeded, null, RecordOf(s), Advanced(job, bookmarks, read, keysRead), [.. s.Attempts.Select(AttemptRows.Of)]);
        }
        catch (RunCancelledException) when (stopRequested)
        {
            return store.FinishRun(run.RunId, RunState.Stopped, "stopped on request", Billed(run, options, progress), attempts: progress.Rows());
        }
        catch (RunCancelledException) when (!cancellation.IsCancellationRequested)
        {
            return store.FinishRun(run.RunId, RunState.Timeout, $"timed out after {job.TimeoutText}", Billed(run, options, progress), attempts: progress.Rows());
        }
        catch (DataQualityException e)
        {
            return store.FinishRun(run.RunId, RunState.Failed, QualityFailure + e.Message, Billed(run, options, progress), attempts: progress.Rows());
        }
        catch (GlintException e)
        {
            return store.FinishRun(run.RunId, cancellation.IsCancellationRequested ? RunState.Stopped : RunState.Failed, e.Message, Billed(run, options, progress), attempts: progress.Rows());
        }
    }

    /// <summary>The job with its spec read again from its script location, if it has one (each run reads the script as it is then).</summary>
    private JobDefinition WithScript(JobDefinition job)
    {
        if (job.ScriptLocation is not { } location) return job;
        if (S3Uri.IsS3(location))
        {
            var text = new Storage.ObjectStores.ObjectStore(defaults.Settings.S3).ReadText(S3Uri.Parse(location));
            return job with { Spec = text, BaseFolder = job.BaseFolder ?? Directory.GetCurrentDirectory() };
        }
        var full = Path.GetFullPath(location);
        if (!File.Exists(full)) throw new SpecException($"job '{job.Name}': its script '{full}' does not exist");
        return job with { Spec = File.ReadAllText(full), BaseFolder = Path.GetDirectoryName(full) };
    }

    /// <summary>The refusal of concurrent runs of a bookmarked job: two runs would read the same unseen inputs.</summary>
    public static string ConcurrentBookmarks(string job, int runs) =>
        $"job '{job}' keeps bookmarks, so it allows one run at a time (max concurrent runs is {runs}): two runs would both read the same new input; use --max-concurrent-runs 1 or --bookmark disable";

    /// <summary>The bookmarks a successful run advances to: every file it read is added, a database source's last key replaced.</summary>
    private static Dictionary<string, Bookmark>? Advanced(JobDefinition job, IReadOnlyDictionary<string, Bookmark> bookmarks,
        Dictionary<string, ImmutableArray<SourceFile>> read, Dictionary<string, KeyBookmark> keysRead)
    {
        if (job.Bookmarks != BookmarkOption.Enable) return null;
        var advanced = read.ToDictionary(kv => kv.Key, kv => (bookmarks.GetValueOrDefault(kv.Key) ?? Bookmark.Empty).With(kv.Value));
        foreach (var (name, keys) in keysRead) advanced[name] = Bookmark.Empty with { Keys = keys };
        return advanced;
    }

}
