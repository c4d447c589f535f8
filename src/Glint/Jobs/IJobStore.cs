using System.Collections.Immutable;
using Glint.Catalog;
using Glint.Common;

namespace Glint.Jobs;

/// <summary>Jobs, their runs and bookmarks, kept in the metastore (the same SQLite file or PostgreSQL database as the catalog).</summary>
public interface IJobStore
{
    /// <summary>Where committed runs are recorded (the commit writes a run's success and bookmarks there); null if nowhere.</summary>
    Catalog.IRunLedger? Ledger => null;

    void CreateJob(JobDefinition job);
    void UpdateJob(JobDefinition job);
    JobDefinition? FindJob(string name);

    IReadOnlyList<JobDefinition> Jobs();
    void DeleteJob(string name);

    /// <summary>
    /// Records a new run as RUNNING, unless the job already has <paramref name="maxConcurrent"/> live runs
    /// (a run whose heartbeat is older than <paramref name="lease"/> is marked FAILED first: its process is gone).
    /// </summary>
    JobRun StartRun(string job, int attempt, RunId? previousRunId, ImmutableDictionary<string, string> arguments, int maxConcurrent, TimeSpan lease);
    /// <summary>Renews a run's lease; returns whether someone asked it to stop.</summary>
    bool Heartbeat(RunId runId);
    void RequestStop(RunId runId);
    /// <summary>Ends a run with its task attempts; on success the bookmarks advance in the same transaction.</summary>
    JobRun FinishRun(RunId runId, RunState state, string? error, RunRecord? record, IReadOnlyDictionary<string, Bookmark>? bookmarks = null,
        IReadOnlyList<TaskAttemptRow>? attempts = null);
    /// <summary>Every task attempt of a run, in start order.</summary>
    /// <summary>Records task attempts of a run in progress (the live view); the run's finish records the rest, each attempt once.</summary>
    void RecordAttempts(RunId runId, IReadOnlyList<TaskAttemptRow> attempts);
    IReadOnlyList<TaskAttemptRow> TaskAttempts(RunId runId);
    JobRun? FindRun(RunId runId);

    IReadOnlyList<JobRun> Runs(string? job = null);

    IReadOnlyList<SourceBookmark> Bookmarks(string job);
    /// <summary>Removes a job's bookmarks (all sources, or one): the next run reads everything.</summary>
    void ResetBookmarks(string job, string? source = null);
    /// <summary>Puts every source's bookmark back to what run <paramref name="runId"/> committed (a later run's files are read again).</summary>
    void RewindBookmarks(string job, RunId runId);
    /// <summary>Sets one source's bookmark by hand.</summary>
    void SetBookmark(string job, string source, Bookmark state);
}

/// <summary>Look-ups that refuse what is not on record, with one message each.</summary>
public static class JobStoreLookups
{
    /// <summary>The job of that name; one that is not stored is a <see cref="Common.NotFoundException"/> saying where to look.</summary>
    public static JobDefinition RequireJob(this IJobStore store, string name, string hint = "glint job list shows the jobs") =>
        store.FindJob(name) ?? throw new Common.NotFoundException("job", name, hint);

    /// <summary>The run of that id; one not on record is a <see cref="Common.NotFoundException"/>.</summary>
    public static JobRun RequireRun(this IJobStore store, RunId runId) =>
        store.FindRun(runId) ?? throw new Common.NotFoundException("run", runId.Value, "glint runs lists the runs on record");
}
