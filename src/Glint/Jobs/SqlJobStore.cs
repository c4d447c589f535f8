using System.Collections.Immutable;
using System.Data.Common;
using System.Text.Json;
using Glint.Catalog;
using Glint.Common;
using static Glint.Catalog.SqlMetastore;

namespace Glint.Jobs;

/// <summary>Jobs, runs and bookmarks with their types, kept in the metastore's tables beside the catalog (one SQLite file or PostgreSQL database).</summary>
public sealed class SqlJobStore(SqlMetastore metastore) : IJobStore, IDisposable
{
    /// <summary>Opens the metastore (a path, a PostgreSQL connection string or URL; null for the home's SQLite file) as a job store.</summary>
    public static SqlJobStore Open(string? metastore, string home) => new((SqlMetastore)Metastores.Open(metastore, home));

    /// <summary>The metastore the jobs are kept in (its catalog is there too).</summary>
    public SqlMetastore Metastore => metastore;

    public void Dispose() => metastore.Dispose();

    /// <summary>The job store of a metastore; one that keeps no jobs is refused by name.</summary>
    public static IJobStore Of(IMetastore store) => store is SqlMetastore sql
        ? new SqlJobStore(sql)
        : throw new ConfigException("metastore", $"{store.Description} does not keep jobs");

    public IRunLedger Ledger => metastore;

    private T Read<T>(Func<DbConnection, T> work) => metastore.Read(work);
    private T Write<T>(Func<Unit, T> work) => metastore.Write(work);

    private static readonly JsonSerializerOptions JobJson = new() { Converters = { new System.Text.Json.Serialization.JsonStringEnumConverter() } };

    public void CreateJob(JobDefinition job)
    {
        CheckName(job.Name, "job");
        job.Checked();
        Secrets.CheckStorable(job);
        Write(c =>
        {
            if (Query(c.Connection, c.Transaction, "SELECT 1 FROM glint_jobs WHERE name = @n", _ => 1, ("n", job.Name)).Count > 0)
                throw new SpecException($"job '{job.Name}' already exists; use glint job update");
            Exec(c.Connection, c.Transaction, "INSERT INTO glint_jobs (name, definition, created_ms, updated_ms) VALUES (@n, @d, @t, @t)",
                ("n", job.Name), ("d", JsonSerializer.Serialize(job, JobJson)), ("t", Now()));
            return 0;
        });
    }

    public void UpdateJob(JobDefinition job) => Write(c =>
    {
        job.Checked();
        Secrets.CheckStorable(job);
        if (Exec(c.Connection, c.Transaction, "UPDATE glint_jobs SET definition = @d, updated_ms = @t WHERE name = @n",
                ("n", job.Name), ("d", JsonSerializer.Serialize(job, JobJson)), ("t", Now())) == 0)
            throw new SpecException($"job '{job.Name}' does not exist");
        return 0;
    });

    public JobDefinition? FindJob(string name) => Read(c =>
        Query(c, null, "SELECT definition FROM glint_jobs WHERE name = @n", r => JsonSerializer.Deserialize<JobDefinition>(r.GetString(0), JobJson)!, ("n", name)).SingleOrDefault());

    public IReadOnlyList<JobDefinition> Jobs() => Read(c =>
        Query(c, null, "SELECT definition FROM glint_jobs ORDER BY name", r => JsonSerializer.Deserialize<JobDefinition>(r.GetString(0), JobJson)!));

    public void DeleteJob(string name) => Write(c =>
    {
        if (Exec(c.Connection, c.Transaction, "DELETE FROM glint_jobs WHERE name = @n", ("n", name)) == 0)
            throw new SpecException($"job '{name}' does not exist");
        Exec(c.Connection, c.Transaction, "DELETE FROM glint_bookmarks WHERE job_name = @n", ("n", name));
        return 0;
    });

    public JobRun StartRun(string job, int attempt, RunId? previousRunId, ImmutableDictionary<string, string> arguments, int maxConcurrent, TimeSpan lease) => Write(c =>
    {
        var now = Now();
        // A run whose process stopped renewing its lease is over: mark it failed, never leave it RUNNING.
        Exec(c.Connection, c.Transaction, """
            UPDATE glint_runs SET state = 'Failed', ended_ms = @t, error = 'the process running it stopped (no heartbeat for ' || @lease || ' s)'
            WHERE job_name = @j AND state IN ('Starting', 'Running') AND heartbeat_ms < @stale
            """, ("t", now), ("j", job), ("stale", now - (long)lease.TotalMilliseconds), ("lease", ((long)lease.TotalSeconds).ToString()));
        var live = Query(c.Connection, c.Transaction, "SELECT run_id FROM glint_runs WHERE job_name = @j AND state IN ('Starting', 'Running')",
            r => r.GetString(0), ("j", job));
        if (live.Count >= maxConcurrent)
            throw new ConcurrentRunsException(job, $"job '{job}' already has {live.Count} run(s) in progress ({string.Join(", ", live)}); its max_concurrent_runs is {maxConcurrent}");
        var runId = Common.RunId.New();
        Exec(c.Connection, c.Transaction, """
            INSERT INTO glint_runs (run_id, job_name, attempt, previous_run_id, state, arguments, started_ms, heartbeat_ms, stop_requested)
            VALUES (@r, @j, @a, @p, 'Running', @args, @t, @t, 0)
            """, ("r", runId.Value), ("j", job), ("a", attempt), ("p", previousRunId?.Value), ("args", JsonSerializer.Serialize(Secrets.Redacted(arguments))), ("t", now));
        return new JobRun(runId, job, attempt, previousRunId, RunState.Running, Secrets.Redacted(arguments), FromMs(now), null, FromMs(now), null, null);
    });

    public bool Heartbeat(RunId runId) => Write(c =>
    {
        Exec(c.Connection, c.Transaction, "UPDATE glint_runs SET heartbeat_ms = @t WHERE run_id = @r AND state = 'Running'", ("t", Now()), ("r", runId.Value));
        return Query(c.Connection, c.Transaction, "SELECT stop_requested FROM glint_runs WHERE run_id = @r", r => Convert.ToInt32(r.GetValue(0)) == 1, ("r", runId.Value))
            .SingleOrDefault();
    });

    public void RequestStop(RunId runId) => Write(c =>
    {
        if (Exec(c.Connection, c.Transaction, "UPDATE glint_runs SET stop_requested = 1 WHERE run_id = @r AND state IN ('Starting', 'Running')", ("r", runId.Value)) == 0)
            throw new SpecException($"run '{runId}' is not in progress");
        return 0;
    });

    public JobRun FinishRun(RunId runId, RunState state, string? error, RunRecord? record, IReadOnlyDictionary<string, Bookmark>? bookmarks = null,
        IReadOnlyList<TaskAttemptRow>? attempts = null)
    {
        metastore.FinishRun(runId, state.ToString(), error, record is null ? null : JsonSerializer.Serialize(record, JobJson),
            bookmarks?.ToDictionary(b => b.Key, b => JsonSerializer.Serialize(b.Value, JobJson)), attempts ?? []);
        return FindRun(runId)!;
    }

    public void RecordAttempts(RunId runId, IReadOnlyList<TaskAttemptRow> attempts) => metastore.RecordAttempts(runId, attempts);

    public IReadOnlyList<TaskAttemptRow> TaskAttempts(RunId runId) => metastore.TaskAttempts(runId);

    public JobRun? FindRun(RunId runId) => Read(c => Query(c, null, RunColumns + " WHERE run_id = @r", ReadRun, ("r", runId.Value)).SingleOrDefault());

    public IReadOnlyList<JobRun> Runs(string? job = null) => Read(c => job is null
        ? Query(c, null, RunColumns + " ORDER BY started_ms DESC, run_id DESC", ReadRun)
        : Query(c, null, RunColumns + " WHERE job_name = @j ORDER BY started_ms DESC, run_id DESC", ReadRun, ("j", job)));

    public IReadOnlyList<SourceBookmark> Bookmarks(string job) => Read(c => Query(c, null,
        "SELECT job_name, source_name, state, run_id, updated_ms FROM glint_bookmarks WHERE job_name = @j ORDER BY source_name",
        r => new SourceBookmark(r.GetString(0), r.GetString(1), JsonSerializer.Deserialize<Bookmark>(r.GetString(2), JobJson)!, new RunId(r.GetString(3)),
            FromMs(Convert.ToInt64(r.GetValue(4)))), ("j", job)));

    public void ResetBookmarks(string job, string? source = null) => Write(c => source is null
        ? Exec(c.Connection, c.Transaction, "DELETE FROM glint_bookmarks WHERE job_name = @j", ("j", job))
        : Exec(c.Connection, c.Transaction, "DELETE FROM glint_bookmarks WHERE job_name = @j AND source_name = @s", ("j", job), ("s", source)));

    public void RewindBookmarks(string job, RunId runId) => Write(c =>
    {
        var states = Query(c.Connection, c.Transaction, "SELECT source_name, state FROM glint_bookmark_history WHERE job_name = @j AND run_id = @r",
            r => (Source: r.GetString(0), State: r.GetString(1)), ("j", job), ("r", runId.Value));
        if (states.Count == 0)
            throw new SpecException($"run '{runId}' committed no bookmark of job '{job}'; see glint runs --job {job}");
        Exec(c.Connection, c.Transaction, "DELETE FROM glint_bookmarks WHERE job_name = @j", ("j", job));
        foreach (var (source, state) in states)
            Exec(c.Connection, c.Transaction, "INSERT INTO glint_bookmarks (job_name, source_name, state, run_id, updated_ms) VALUES (@j, @s, @b, @r, @t)",
                ("j", job), ("s", source), ("b", state), ("r", runId.Value), ("t", Now()));
        return 0;
    });

    public void SetBookmark(string job, string source, Bookmark state) => Write(c =>
    {
        Exec(c.Connection, c.Transaction, """
            INSERT INTO glint_bookmarks (job_name, source_name, state, run_id, updated_ms) VALUES (@j, @s, @b, 'set by hand', @t)
            ON CONFLICT (job_name, source_name) DO UPDATE SET state = excluded.state, run_id = excluded.run_id, updated_ms = excluded.updated_ms
            """, ("j", job), ("s", source), ("b", JsonSerializer.Serialize(state, JobJson)), ("t", Now()));
        return 0;
    });

    private const string RunColumns =
        "SELECT run_id, job_name, attempt, previous_run_id, state, arguments, started_ms, ended_ms, heartbeat_ms, error, record, stop_requested FROM glint_runs";

    private static JobRun ReadRun(DbDataReader r) => new(
        new RunId(r.GetString(0)), r.GetString(1), Convert.ToInt32(r.GetValue(2)), r.IsDBNull(3) ? null : new RunId(r.GetString(3)), Enum.Parse<RunState>(r.GetString(4)),
        JsonSerializer.Deserialize<ImmutableDictionary<string, string>>(r.GetString(5))!, FromMs(Convert.ToInt64(r.GetValue(6))),
        r.IsDBNull(7) ? null : FromMs(Convert.ToInt64(r.GetValue(7))), FromMs(Convert.ToInt64(r.GetValue(8))), r.IsDBNull(9) ? null : r.GetString(9),
        r.IsDBNull(10) ? null : JsonSerializer.Deserialize<RunRecord>(r.GetString(10), JobJson), Convert.ToInt32(r.GetValue(11)) == 1);
}
