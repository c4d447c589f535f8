using System.Collections.Immutable;
using Glint.Catalog;

namespace Glint.Jobs;

/// <summary>Jobs, their runs and bookmarks, kept in the metastore (the same SQLite file or PostgreSQL database as the catalog).</summary>
public interface IJobStore
{
    /// <summary>Where committed runs are recorded (the commit writes a run's success and bookmarks there); null if nowhere.</summary>
    Catalog.IRunLedger? Ledger => null;

    void CreateJob(JobDefinition job);
    void UpdateJob(JobDefinition job);
    JobDefinition? FindJob(string name);

    /// <summary>The job of that name; one that is not stored is a <see cref="Common.NotFoundException"/> saying where to look.</summary>
    JobDefinition RequireJob(string name, string hint = "glint job list shows the jobs") =>
        FindJob(name) ?? throw new Common.NotFoundException("job", name, hint);
    IReadOnlyList<JobDefinition> Jobs();
    void DeleteJob(string name);

    /// <summary>
    /// Records a new run as RUNNING, unless the job already has <paramref name="maxConcurrent"/> live runs
    /// (a run whose heartbeat is older than <paramref name="lease"/> is marked FAILED first: its process is gone).
    /// </summary>
    JobRun StartRun(string job, int attempt, string? previousRunId, ImmutableDictionary<string, string> arguments, int maxConcurrent, TimeSpan lease);
    /// <summary>Renews a run's lease; returns whether someone asked it to stop.</summary>
    bool Heartbeat(string runId);
    void RequestStop(string runId);
    /// <summary>Ends a run with its task attempts; on success the bookmarks advance in the same transaction.</summary>
    JobRun FinishRun(string runId, RunState state, string? error, RunRecord? record, IReadOnlyDictionary<string, Bookmark>? bookmarks = null,
        IReadOnlyList<TaskAttemptRow>? attempts = null);
    /// <summary>Every task attempt of a run, in start order.</summary>
    /// <summary>Records task attempts of a run in progress (the live view); the run's finish records the rest, each attempt once.</summary>
    void RecordAttempts(string runId, IReadOnlyList<TaskAttemptRow> attempts);
    IReadOnlyList<TaskAttemptRow> TaskAttempts(string runId);
    JobRun? FindRun(string runId);

    /// <summary>The run of that id; one not on record is a <see cref="Common.NotFoundException"/>.</summary>
    JobRun RequireRun(string runId) => FindRun(runId) ?? throw new Common.NotFoundException("run", runId, "glint runs lists the runs on record");
    IReadOnlyList<JobRun> Runs(string? job = null);

    IReadOnlyList<SourceBookmark> Bookmarks(string job);
    /// <summary>Removes a job's bookmarks (all sources, or one): the next run reads everything.</summary>
    void ResetBookmarks(string job, string? source = null);
    /// <summary>Puts every source's bookmark back to what run <paramref name="runId"/> committed (a later run's files are read again).</summary>
    void RewindBookmarks(string job, string runId);
    /// <summary>Sets one source's bookmark by hand.</summary>
    void SetBookmark(string job, string source, Bookmark state);
}
