using System.Collections.Immutable;
using System.Data.Common;
using System.Text.Json;
using Glint.Errors;
using Glint.Jobs;

namespace Glint.Catalog;

/// <summary>Jobs, runs and bookmarks in the metastore's own tables (migration 2).</summary>
public sealed partial class SqlMetastore : IRunLedger
{
    public string Identity => dialect.Name;

    public void Complete(string runId, string completion)
    {
        if (FindRun(runId) is not { } run || run.State == RunState.Succeeded) return;
        var c = RunCompletion.FromJson(completion);
        FinishRun(runId, RunState.Succeeded, null, c.Record, c.Bookmarks, c.Attempts);
    }

    public void Abandon(string runId, string reason) => Write(c =>
        Exec(c.Connection, c.Transaction, "UPDATE glint_runs SET state = 'Failed', ended_ms = @t, error = @e WHERE run_id = @r AND state = 'Running'",
            ("t", Now()), ("e", reason), ("r", runId)));

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

    public JobRun StartRun(string job, int attempt, string? previousRunId, ImmutableDictionary<string, string> arguments, int maxConcurrent, TimeSpan lease) => Write(c =>
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
            throw new SpecException($"job '{job}' already has {live.Count} run(s) in progress ({string.Join(", ", live)}); its max_concurrent_runs is {maxConcurrent}");
        var runId = Execution.RunId.New().ToString();
        Exec(c.Connection, c.Transaction, """
            INSERT INTO glint_runs (run_id, job_name, attempt, previous_run_id, state, arguments, started_ms, heartbeat_ms, stop_requested)
            VALUES (@r, @j, @a, @p, 'Running', @args, @t, @t, 0)
            """, ("r", runId), ("j", job), ("a", attempt), ("p", previousRunId), ("args", JsonSerializer.Serialize(Secrets.Redacted(arguments))), ("t", now));
        return new JobRun(runId, job, attempt, previousRunId, RunState.Running, Secrets.Redacted(arguments), FromMs(now), null, FromMs(now), null, null);
    });

    public bool Heartbeat(string runId) => Write(c =>
    {
        Exec(c.Connection, c.Transaction, "UPDATE glint_runs SET heartbeat_ms = @t WHERE run_id = @r AND state = 'Running'", ("t", Now()), ("r", runId));
        return Query(c.Connection, c.Transaction, "SELECT stop_requested FROM glint_runs WHERE run_id = @r", r => Convert.ToInt32(r.GetValue(0)) == 1, ("r", runId))
            .SingleOrDefault();
    });

    public void RequestStop(string runId) => Write(c =>
    {
        if (Exec(c.Connection, c.Transaction, "UPDATE glint_runs SET stop_requested = 1 WHERE run_id = @r AND state IN ('Starting', 'Running')", ("r", runId)) == 0)
            throw new SpecException($"run '{runId}' is not in progress");
        return 0;
    });

    public void RecordAttempts(string runId, IReadOnlyList<TaskAttemptRow> attempts) => Write(c =>
    {
        InsertAttempts(c.Connection, c.Transaction, runId, attempts);
        return 0;
    });

    private static void InsertAttempts(System.Data.Common.DbConnection connection, System.Data.Common.DbTransaction? transaction, string runId, IReadOnlyList<TaskAttemptRow> attempts)
    {
        foreach (var a in attempts)
            Exec(connection, transaction, """
                INSERT INTO glint_task_attempts (run_id, attempt_id, stage, task, attempt, slot, started_ms, ended_ms, succeeded, rows_in, rows_out, bytes_out, error, input_bytes, description)
                VALUES (@r, @id, @s, @t, @a, @slot, @start, @end, @ok, @in, @out, @bytes, @e, @ib, @d)
                ON CONFLICT (run_id, attempt_id) DO NOTHING
                """, ("r", runId), ("id", a.AttemptId), ("s", a.Stage), ("t", a.Task), ("a", a.Attempt), ("slot", a.Slot),
                ("start", a.Started.ToUnixTimeMilliseconds()), ("end", a.Ended.ToUnixTimeMilliseconds()), ("ok", a.Succeeded ? 1 : 0),
                ("in", a.RowsIn), ("out", a.RowsOut), ("bytes", a.BytesOut), ("e", a.Error), ("ib", a.InputBytes), ("d", a.Description));
    }

    public JobRun FinishRun(string runId, RunState state, string? error, RunRecord? record, IReadOnlyDictionary<string, Bookmark>? bookmarks = null,
        IReadOnlyList<TaskAttemptRow>? attempts = null) => Write(c =>
    {
        InsertAttempts(c.Connection, c.Transaction, runId, attempts ?? []);
        var now = Now();
        Exec(c.Connection, c.Transaction, "UPDATE glint_runs SET state = @s, ended_ms = @t, error = @e, record = @rec WHERE run_id = @r",
            ("s", state.ToString()), ("t", now), ("e", error), ("rec", record is null ? null : JsonSerializer.Serialize(record, JobJson)), ("r", runId));
        var run = Query(c.Connection, c.Transaction, RunColumns + " WHERE run_id = @r", ReadRun, ("r", runId)).Single();
        if (bookmarks is not null)
            foreach (var (source, bookmark) in bookmarks)
                Exec(c.Connection, c.Transaction, """
                    INSERT INTO glint_bookmarks (job_name, source_name, state, run_id, updated_ms) VALUES (@j, @s, @b, @r, @t)
                    ON CONFLICT (job_name, source_name) DO UPDATE SET state = excluded.state, run_id = excluded.run_id, updated_ms = excluded.updated_ms
                    """, ("j", run.Job), ("s", source), ("b", JsonSerializer.Serialize(bookmark, JobJson)), ("r", runId), ("t", now));
        if (bookmarks is not null)
            foreach (var (source, bookmark) in bookmarks)
                Exec(c.Connection, c.Transaction, "INSERT INTO glint_bookmark_history (job_name, source_name, run_id, state, created_ms) VALUES (@j, @s, @r, @b, @t)",
                    ("j", run.Job), ("s", source), ("r", runId), ("b", JsonSerializer.Serialize(bookmark, JobJson)), ("t", now));
        return run;
    });

    public IReadOnlyList<TaskAttemptRow> TaskAttempts(string runId) => Read(c => Query(c, null, """
        SELECT attempt_id, stage, task, attempt, slot, started_ms, ended_ms, succeeded, rows_in, rows_out, bytes_out, error, input_bytes, description
        FROM glint_task_attempts WHERE run_id = @r ORDER BY started_ms, attempt_id
        """, r => new TaskAttemptRow(r.GetString(0), Convert.ToInt32(r.GetValue(1)), Convert.ToInt32(r.GetValue(2)), Convert.ToInt32(r.GetValue(3)), r.GetString(4),
            FromMs(Convert.ToInt64(r.GetValue(5))), FromMs(Convert.ToInt64(r.GetValue(6))), Convert.ToInt32(r.GetValue(7)) == 1,
            r.IsDBNull(8) ? null : Convert.ToInt64(r.GetValue(8)), r.IsDBNull(9) ? null : Convert.ToInt64(r.GetValue(9)),
            r.IsDBNull(10) ? null : Convert.ToInt64(r.GetValue(10)), r.IsDBNull(11) ? null : r.GetString(11),
            r.IsDBNull(12) ? null : Convert.ToInt64(r.GetValue(12)), r.IsDBNull(13) ? null : r.GetString(13)), ("r", runId)));

    public JobRun? FindRun(string runId) => Read(c => Query(c, null, RunColumns + " WHERE run_id = @r", ReadRun, ("r", runId)).SingleOrDefault());

    public IReadOnlyList<JobRun> Runs(string? job = null) => Read(c => job is null
        ? Query(c, null, RunColumns + " ORDER BY started_ms DESC, run_id DESC", ReadRun)
        : Query(c, null, RunColumns + " WHERE job_name = @j ORDER BY started_ms DESC, run_id DESC", ReadRun, ("j", job)));

    public IReadOnlyList<SourceBookmark> Bookmarks(string job) => Read(c => Query(c, null,
        "SELECT job_name, source_name, state, run_id, updated_ms FROM glint_bookmarks WHERE job_name = @j ORDER BY source_name",
        r => new SourceBookmark(r.GetString(0), r.GetString(1), JsonSerializer.Deserialize<Bookmark>(r.GetString(2), JobJson)!, r.GetString(3),
            FromMs(Convert.ToInt64(r.GetValue(4)))), ("j", job)));

    public void ResetBookmarks(string job, string? source = null) => Write(c => source is null
        ? Exec(c.Connection, c.Transaction, "DELETE FROM glint_bookmarks WHERE job_name = @j", ("j", job))
        : Exec(c.Connection, c.Transaction, "DELETE FROM glint_bookmarks WHERE job_name = @j AND source_name = @s", ("j", job), ("s", source)));

    public void RewindBookmarks(string job, string runId) => Write(c =>
    {
        var states = Query(c.Connection, c.Transaction, "SELECT source_name, state FROM glint_bookmark_history WHERE job_name = @j AND run_id = @r",
            r => (Source: r.GetString(0), State: r.GetString(1)), ("j", job), ("r", runId));
        if (states.Count == 0)
            throw new SpecException($"run '{runId}' committed no bookmark of job '{job}'; see glint runs --job {job}");
        Exec(c.Connection, c.Transaction, "DELETE FROM glint_bookmarks WHERE job_name = @j", ("j", job));
        foreach (var (source, state) in states)
            Exec(c.Connection, c.Transaction, "INSERT INTO glint_bookmarks (job_name, source_name, state, run_id, updated_ms) VALUES (@j, @s, @b, @r, @t)",
                ("j", job), ("s", source), ("b", state), ("r", runId), ("t", Now()));
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
        r.GetString(0), r.GetString(1), Convert.ToInt32(r.GetValue(2)), r.IsDBNull(3) ? null : r.GetString(3), Enum.Parse<RunState>(r.GetString(4)),
        JsonSerializer.Deserialize<ImmutableDictionary<string, string>>(r.GetString(5))!, FromMs(Convert.ToInt64(r.GetValue(6))),
        r.IsDBNull(7) ? null : FromMs(Convert.ToInt64(r.GetValue(7))), FromMs(Convert.ToInt64(r.GetValue(8))), r.IsDBNull(9) ? null : r.GetString(9),
        r.IsDBNull(10) ? null : JsonSerializer.Deserialize<RunRecord>(r.GetString(10), JobJson), Convert.ToInt32(r.GetValue(11)) == 1);
}
