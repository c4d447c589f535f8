using Glint.Catalog;
using Glint.Common;
using Glint.Storage;

namespace Glint.Execution.Commit;

/// <summary>What recovery did with one dead run.</summary>
public sealed record RecoveredRun(string RunId, bool RolledForward, IReadOnlyList<string> Targets)
{
    public override string ToString() =>
        $"run {RunId} had died during its {(RolledForward ? "commit after its commit point: finished it" : "run or commit before its commit point: undid it")}"
        + (Targets.Count == 0 ? "" : $" ({string.Join(", ", Targets)})");
}

/// <summary>
/// Finishes or undoes the commits of runs whose process died: every journal under <c>$GLINT_HOME/runs</c> whose lock
/// can be taken. Past the commit point it publishes every target and completes the ledger (roll forward); before it,
/// it removes what the run placed or staged (roll back) and records the run as failed. Every Glint process that runs,
/// starts a job, reads through the catalog or serves the console calls it first.
/// </summary>
public static class RunRecovery
{
    /// <param name="ledger">opens the metastore this process uses; called only when a dead run has a ledger entry there</param>
    public static IReadOnlyList<RecoveredRun> Recover(string home, Func<IRunLedger?> ledger, S3Options? s3 = null)
    {
        var folder = RunJournal.Folder(home);
        if (!Directory.Exists(folder)) return [];
        var recovered = new List<RecoveredRun>();
        IRunLedger? opened = null;
        foreach (var path in Directory.EnumerateFiles(folder, "*.json").Order(StringComparer.Ordinal).ToList())
        {
            var runId = Path.GetFileNameWithoutExtension(path);
            using var held = FileLock.TryAcquire(RunJournal.LockOf(home, runId));
            if (held is null) continue; // its process is alive
            var journal = RunJournal.TryRead(path);
            if (journal is null)
            {
                File.Delete(path);
                continue;
            }
            if (journal.Ledger is not null)
            {
                opened ??= ledger();
                if (opened is null || opened.Identity != journal.Ledger) continue; // another metastore's run: its own processes recover it
            }
            recovered.Add(Recover(journal, opened, s3 ?? S3Options.FromEnvironment()));
            RunJournal.Delete(home, runId);
        }
        return recovered;
    }

    private static RecoveredRun Recover(RunJournal journal, IRunLedger? ledger, S3Options s3)
    {
        var forward = journal.Phase == CommitPhase.Committed;
        foreach (var target in journal.Targets)
        {
            if (forward) target.Publish(s3, CommitTrace.None);
            else target.RollBack(s3);
        }
        if (forward && ledger is IMetastore metastore) CommitCoordinator.Register(journal, metastore, s3);
        if (ledger is not null && journal.Ledger is not null)
        {
            if (forward && journal.Completion is not null) ledger.Complete(new RunId(journal.RunId), journal.Completion);
            else if (!forward) ledger.Abandon(new RunId(journal.RunId), "the process running it ended before its commit; recovery undid what it had written");
        }
        if (Directory.Exists(journal.Scratch)) Directory.Delete(journal.Scratch, recursive: true);
        return new RecoveredRun(journal.RunId, forward, [.. journal.Targets.Select(t => t.Location)]);
    }
}
