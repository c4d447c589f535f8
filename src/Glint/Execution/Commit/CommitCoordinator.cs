using System.Collections.Immutable;
using System.Security.Cryptography;
using System.Text;
using Glint.Catalog;
using Glint.Common;
using Glint.Storage;

namespace Glint.Execution.Commit;

/// <summary>What a recorded run hands the commit: its ledger, and the completion (run record, bookmarks) to write there.</summary>
public sealed record RunLedgerBinding(IRunLedger Ledger, Func<Execution.RunSummary, string> Completion);

/// <summary>
/// The job commit of one run, over all its targets and its ledger. It takes each target's lock before any task
/// (a second writer fails at once), journals every step before taking it, and makes one step the commit point:
/// the journal's rename to <see cref="CommitPhase.Committed"/>. Before it, a failure or a crash leaves every target
/// as it was; after it, every target is published and the ledger completed — by this process, or by the next one
/// (<see cref="RunRecovery"/>).
/// </summary>
internal sealed class CommitCoordinator : IDisposable
{
    private readonly string home;
    private readonly FileLock runLock;
    private readonly List<FileLock> targetLocks;
    private readonly IReadOnlyList<(StageId Stage, ITargetCommitter Committer)> committers;
    private readonly RunLedgerBinding? ledger;
    private readonly bool keepScratch;
    private readonly Func<IMetastore>? catalog;
    private readonly Common.S3Options s3;
    private readonly CommitTrace trace = CommitTrace.FromEnvironment();
    private RunJournal journal;
    private ImmutableArray<TargetIntent> intents;
    private bool finished;

    private CommitCoordinator(string home, FileLock runLock, List<FileLock> targetLocks, RunJournal journal,
        IReadOnlyList<(StageId, ITargetCommitter)> committers, RunLedgerBinding? ledger, bool keepScratch, Func<IMetastore>? catalog, Common.S3Options s3)
    {
        this.catalog = catalog;
        this.s3 = s3;
        this.keepScratch = keepScratch;
        this.home = home;
        this.runLock = runLock;
        this.targetLocks = targetLocks;
        this.journal = journal;
        this.committers = committers;
        this.ledger = ledger;
        intents = journal.Targets;
    }

    /// <summary>Takes the run's and its targets' locks and journals the staging to remove if the run dies; fails before any task if a target is busy.</summary>
    /// <param name="tables">catalog tables the run writes, registered after publishing through <paramref name="catalog"/></param>
    public static CommitCoordinator Begin(string home, RunId run, string scratch, IReadOnlyList<(StageId, ITargetCommitter, string Identity)> committers,
        RunLedgerBinding? ledger, bool keepScratch, IReadOnlyList<CatalogRegistration> tables, Func<IMetastore> catalog, Common.S3Options s3)
    {
        var runLock = FileLock.TryAcquire(RunJournal.LockOf(home, run.Value))
            ?? throw new TargetException(run.Value, $"run {run} is already running in another process");
        var locks = new List<FileLock>();
        try
        {
            foreach (var (_, _, identity) in committers) locks.Add(TargetLock(home, identity, run));
            // A run that records itself or registers tables names its metastore: only a process using that one recovers it.
            var metastore = ledger?.Ledger.Identity ?? (tables.Count > 0 ? (catalog() as IRunLedger)?.Identity : null);
            var journal = new RunJournal(run.Value, CommitPhase.Running, scratch, [.. committers.Select(c => c.Item2.Staged)],
                metastore, null, tables.Count > 0 ? tables : null, Environment.ProcessId, DateTime.UtcNow);
            journal.Write(home);
            return new CommitCoordinator(home, runLock, locks, journal, [.. committers.Select(c => (c.Item1, c.Item2))], ledger, keepScratch,
                tables.Count > 0 ? catalog : null, s3);
        }
        catch
        {
            foreach (var l in locks) l.Dispose();
            runLock.Dispose();
            throw;
        }
    }

    /// <summary>A target's lock, named by a hash of its identity (a real path, a bucket and prefix, a table).</summary>
    private static FileLock TargetLock(string home, string identity, RunId run)
    {
        var name = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(identity)))[..24];
        var path = Path.Combine(home, "locks", name + ".lock");
        var owner = Path.ChangeExtension(path, ".owner");
        var taken = FileLock.TryAcquire(path);
        if (taken is null)
        {
            var by = File.Exists(owner) ? File.ReadAllText(owner).Trim() : "another run";
            throw new TargetException(identity, $"target '{identity}' is being written by {by}; wait for it to finish and run again");
        }
        File.WriteAllText(owner, $"run {run} (process {Environment.ProcessId})");
        return taken;
    }

    /// <summary>
    /// Commits every target: plan, journal, place, the commit point, publish, the ledger. <paramref name="summary"/>
    /// turns what the targets will hold into the run's summary, whose completion the ledger records.
    /// </summary>
    public RunSummary Commit(IReadOnlyDictionary<StageId, IReadOnlyList<WrittenFile>> written, Func<ImmutableArray<CommittedTarget>, RunSummary> summary)
    {
        trace.Step("tasks done");
        intents = [.. committers.Select(c => c.Committer.Plan(written.GetValueOrDefault(c.Stage) ?? []))];
        Journal(CommitPhase.Prepared, null);
        trace.Step("prepared");
        intents = [.. committers.Select((c, i) => c.Committer.Place(intents[i], trace))];
        trace.Step("placed all");
        var result = summary([.. committers.Select((c, i) => (c, i)).Where(x => intents[x.i] is not CheckpointIntent).Select(x => x.c.Committer.Outcome(intents[x.i]))]);
        var completion = ledger?.Completion(result);
        Journal(CommitPhase.Committed, completion); // the commit point
        trace.Step("committed");
        // Past the commit point nothing is undone: a failure here leaves the journal for the next process to finish.
        var publishing = committers.Select((c, i) => (c.Committer, Intent: intents[i])).OrderBy(p => p.Intent is Storage.Databases.DatabaseIntent ? 0 : 1);
        foreach (var (committer, intent) in publishing) committer.Publish(intent, trace);
        trace.Step("published");
        if (catalog is not null) Register(journal, catalog(), s3);
        if (completion is not null) ledger!.Ledger.Complete(new RunId(journal.RunId), completion);
        trace.Step("ledger");
        Finish();
        trace.Step("done");
        return result;
    }

    /// <summary>Catalog tables learn of their new files and partitions once the files are published (again, idempotently, in recovery).</summary>
    internal static void Register(RunJournal journal, IMetastore metastore, Common.S3Options s3)
    {
        foreach (var table in journal.Tables ?? []) TableWrites.Register(metastore, table.Target, table.Schema, s3);
    }

    /// <summary>Undoes a run that did not reach its commit point: every target as it was before the run.</summary>
    public void Abort()
    {
        if (finished) return;
        if (journal.Phase == CommitPhase.Committed) return; // the next process publishes it
        foreach (var (committer, intent) in committers.Zip(intents)) committer.Committer.RollBack(intent);
        Finish();
    }

    private void Journal(CommitPhase phase, string? completion)
    {
        journal = journal with { Phase = phase, Targets = intents, Completion = completion };
        try { journal.Write(home); }
        catch (IOException e)
        {
            throw new TargetException(RunJournal.FileOf(home, journal.RunId), $"cannot write the run's commit journal: {e.Message}", e);
        }
    }

    /// <summary>The run's scratch goes before its journal, so a crash in between leaves a journal that recovery finishes.</summary>
    private void Finish()
    {
        if (!keepScratch && Directory.Exists(journal.Scratch))
        {
            try { Directory.Delete(journal.Scratch, recursive: true); }
            catch (IOException) { } // a slot still writes there; the run's own cleanup or glint gc removes it
        }
        RunJournal.Delete(home, journal.RunId);
        finished = true;
    }

    public void Dispose()
    {
        foreach (var l in targetLocks) l.Dispose();
        runLock.Dispose();
    }
}
