using System.Data.Common;
using System.Text.Json;
using Glint.Common;

namespace Glint.Catalog;

/// <summary>
/// The run ledger in the metastore's own tables (migration 2): runs, their task attempts and the bookmarks a run commits.
/// Records and bookmarks are JSON here; the job store (Jobs/SqlJobStore) gives them their types.
/// </summary>
public sealed partial class SqlMetastore : IRunLedger
{
    public string Identity => dialect.Name;

    public void Complete(RunId run, string completion)
    {
        var state = Read(c => Query(c, null, "SELECT state FROM glint_runs WHERE run_id = @r", r => r.GetString(0), ("r", run.Value)).SingleOrDefault());
        if (state is null or "Succeeded") return;
        var entry = JsonSerializer.Deserialize<LedgerEntry>(completion)!;
        FinishRun(run, "Succeeded", null, entry.Record.GetRawText(),
            entry.Bookmarks?.ToDictionary(b => b.Key, b => b.Value.GetRawText()), entry.Attempts);
    }

    /// <summary>A completion as the job layer journals it: the run's record, the bookmarks it advances, its attempts.</summary>
    private sealed record LedgerEntry(JsonElement Record, Dictionary<string, JsonElement>? Bookmarks, List<TaskAttemptRow> Attempts);

    public void Abandon(RunId run, string reason) => Write(c =>
        Exec(c.Connection, c.Transaction, "UPDATE glint_runs SET state = 'Failed', ended_ms = @t, error = @e WHERE run_id = @r AND state = 'Running'",
            ("t", Now()), ("e", reason), ("r", run.Value)));

    public void RecordAttempts(RunId run, IReadOnlyList<TaskAttemptRow> attempts) => Write(c =>
    {
        InsertAttempts(c.Connection, c.Transaction, run, attempts);
        return 0;
    });

    private static void InsertAttempts(DbConnection connection, DbTransaction? transaction, RunId run, IReadOnlyList<TaskAttemptRow> attempts)
    {
        foreach (var a in attempts)
            Exec(connection, transaction, """
                INSERT INTO glint_task_attempts (run_id, attempt_id, stage, task, attempt, slot, started_ms, ended_ms, succeeded, rows_in, rows_out, bytes_out, error, input_bytes, description, slots)
                VALUES (@r, @id, @s, @t, @a, @slot, @start, @end, @ok, @in, @out, @bytes, @e, @ib, @d, @k)
                ON CONFLICT (run_id, attempt_id) DO NOTHING
                """, ("r", run.Value), ("id", a.AttemptId), ("s", a.Stage), ("t", a.Task), ("a", a.Attempt), ("slot", a.Slot),
                ("start", a.Started.ToUnixTimeMilliseconds()), ("end", a.Ended.ToUnixTimeMilliseconds()), ("ok", a.Succeeded ? 1 : 0),
                ("in", a.RowsIn), ("out", a.RowsOut), ("bytes", a.BytesOut), ("e", a.Error), ("ib", a.InputBytes), ("d", a.Description), ("k", a.Slots));
    }

    /// <summary>
    /// Ends a run in one transaction: its state, error and record (JSON), its attempts, and the bookmarks it commits (JSON
    /// per source) for the run's job, with their history.
    /// </summary>
    internal void FinishRun(RunId run, string state, string? error, string? record, IReadOnlyDictionary<string, string>? bookmarks,
        IReadOnlyList<TaskAttemptRow> attempts) => Write(c =>
    {
        InsertAttempts(c.Connection, c.Transaction, run, attempts);
        var now = Now();
        Exec(c.Connection, c.Transaction, "UPDATE glint_runs SET state = @s, ended_ms = @t, error = @e, record = @rec WHERE run_id = @r",
            ("s", state), ("t", now), ("e", error), ("rec", record), ("r", run.Value));
        var job = Query(c.Connection, c.Transaction, "SELECT job_name FROM glint_runs WHERE run_id = @r", r => r.GetString(0), ("r", run.Value)).Single();
        foreach (var (source, bookmark) in bookmarks ?? new Dictionary<string, string>())
        {
            Exec(c.Connection, c.Transaction, """
                INSERT INTO glint_bookmarks (job_name, source_name, state, run_id, updated_ms) VALUES (@j, @s, @b, @r, @t)
                ON CONFLICT (job_name, source_name) DO UPDATE SET state = excluded.state, run_id = excluded.run_id, updated_ms = excluded.updated_ms
                """, ("j", job), ("s", source), ("b", bookmark), ("r", run.Value), ("t", now));
            Exec(c.Connection, c.Transaction, "INSERT INTO glint_bookmark_history (job_name, source_name, run_id, state, created_ms) VALUES (@j, @s, @r, @b, @t)",
                ("j", job), ("s", source), ("r", run.Value), ("b", bookmark), ("t", now));
        }
        return 0;
    });

    public IReadOnlyList<TaskAttemptRow> TaskAttempts(RunId run) => Read(c => Query(c, null, """
        SELECT attempt_id, stage, task, attempt, slot, started_ms, ended_ms, succeeded, rows_in, rows_out, bytes_out, error, input_bytes, description, slots
        FROM glint_task_attempts WHERE run_id = @r ORDER BY started_ms, attempt_id
        """, r => new TaskAttemptRow(r.GetString(0), Convert.ToInt32(r.GetValue(1)), Convert.ToInt32(r.GetValue(2)), Convert.ToInt32(r.GetValue(3)), r.GetString(4),
            FromMs(Convert.ToInt64(r.GetValue(5))), FromMs(Convert.ToInt64(r.GetValue(6))), Convert.ToInt32(r.GetValue(7)) == 1,
            r.IsDBNull(8) ? null : Convert.ToInt64(r.GetValue(8)), r.IsDBNull(9) ? null : Convert.ToInt64(r.GetValue(9)),
            r.IsDBNull(10) ? null : Convert.ToInt64(r.GetValue(10)), r.IsDBNull(11) ? null : r.GetString(11),
            r.IsDBNull(12) ? null : Convert.ToInt64(r.GetValue(12)), r.IsDBNull(13) ? null : r.GetString(13))
        {
            Slots = r.IsDBNull(14) ? 1 : Convert.ToInt32(r.GetValue(14)),
        }, ("r", run.Value)));
}
