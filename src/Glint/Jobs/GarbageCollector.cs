using Glint.Catalog;
using Glint.Common;
using Glint.Execution.Commit;
using Glint.Storage;

namespace Glint.Jobs;

/// <summary>What <see cref="GarbageCollector"/> removed or repaired.</summary>
public sealed record GarbageReport(IReadOnlyList<RecoveredRun> Recovered, IReadOnlyList<string> Removed, IReadOnlyList<RunId> RunsMarkedFailed);

/// <summary>
/// <c>glint gc</c>: removes what runs no longer running left behind — their commits finished or undone (recovery),
/// scratch folders, staging folders inside targets — and records runs whose process is gone as FAILED. Only what is
/// older than the given age is touched; a run whose process still holds its lock on this machine is never touched.
/// </summary>
public static class GarbageCollector
{
    public static GarbageReport Collect(string home, IMetastore metastore, TimeSpan olderThan, IEnumerable<string> folders)
    {
        var ledger = metastore as IRunLedger;
        var recovered = RunRecovery.Recover(home, () => ledger);
        var cutoff = DateTime.UtcNow - olderThan;
        var removed = new List<string>();
        var scratch = Path.Combine(home, "scratch");
        if (Directory.Exists(scratch))
            foreach (var run in Directory.EnumerateDirectories(scratch))
                RemoveIfDead(home, run, Path.GetFileName(run), cutoff, removed);
        // Staging inside the given folders and every local catalog table's location.
        var targets = folders.Concat(metastore.Databases().SelectMany(d => metastore.Tables(d.Name)).Select(t => t.Definition.Location))
            .Where(f => !Common.S3Uri.IsS3(f) && Directory.Exists(f)).Distinct();
        foreach (var target in targets)
        {
            var staging = Path.Combine(target, RunContext.StagingFolderName);
            if (!Directory.Exists(staging)) continue;
            foreach (var run in Directory.EnumerateDirectories(staging)) RemoveIfDead(home, run, Path.GetFileName(run), cutoff, removed);
            if (!Directory.EnumerateFileSystemEntries(staging).Any()) Directory.Delete(staging);
        }
        var failed = new List<RunId>();
        if (metastore is SqlMetastore sql && ledger is not null && new SqlJobStore(sql) is var jobs)
            foreach (var run in jobs.Runs().Where(r => r.State is RunState.Running or RunState.Starting && r.Heartbeat.UtcDateTime < cutoff))
                if (!RunJournal.IsAlive(home, run.RunId.Value))
                {
                    ledger.Abandon(run.RunId, $"its process is gone (no heartbeat since {run.Heartbeat:u}; found by glint gc)");
                    failed.Add(run.RunId);
                }
        return new GarbageReport(recovered, removed, failed);
    }

    private static void RemoveIfDead(string home, string folder, string runId, DateTime cutoff, List<string> removed)
    {
        if (Directory.GetLastWriteTimeUtc(folder) >= cutoff || RunJournal.IsAlive(home, runId)) return;
        Directory.Delete(folder, recursive: true);
        removed.Add(folder);
    }
}
