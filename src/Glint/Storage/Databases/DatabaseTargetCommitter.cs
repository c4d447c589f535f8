using System.Data.Common;
using Glint.Errors;
using Glint.Execution;

namespace Glint.Storage.Databases;

/// <summary>
/// The job commit for a database table. Before any task runs, a staging table is created next to it (unlogged on
/// PostgreSQL); tasks write their rows into it (binary COPY on PostgreSQL, batched inserts on SQLite), each row tagged
/// with its attempt. The commit then runs in one transaction — create the table
/// if missing, delete its rows (overwrite), insert the winning attempts' rows (upsert: ON CONFLICT DO UPDATE) — which
/// stays open until every target of the run is prepared, then commits; any failure rolls it back, so a failed run
/// leaves the table exactly as it was. The staging table is dropped either way.
/// </summary>
internal sealed class DatabaseTargetCommitter : ITargetCommitter
{
    private readonly DatabaseTarget target;
    private readonly DatabaseDialect dialect;
    private bool Postgres => target.Connection.Kind == DatabaseKind.Postgres;

    public DatabaseTargetCommitter(DatabaseTarget target, RunContext run)
    {
        this.target = target;
        dialect = DatabaseDialect.For(target.Connection.Kind);
        StagingTable = StagingName(target, run.RunId);
        var columns = string.Join(", ", target.Columns.Select(c => $"{dialect.Quote(c.Name)} {c.DatabaseType}"));
        Execute($"CREATE {(Postgres ? "UNLOGGED " : "")}TABLE {StagingTable} ({columns}, {DatabaseBatches.AttemptColumn} text NOT NULL)", "create the staging table for");
    }

    /// <summary>The staging table, next to the target (same schema), named after the run.</summary>
    public string StagingTable { get; }

    internal static string StagingName(DatabaseTarget target, RunId run)
    {
        var table = target.Table;
        var dot = target.Connection.Kind == DatabaseKind.Postgres ? table.LastIndexOf('.') : -1;
        var schema = dot > 0 ? DatabaseDialect.For(DatabaseKind.Postgres).Table(table[..dot]) + "." : "";
        var safe = new string([.. run.Value.Where(char.IsAsciiLetterOrDigit)]).ToLowerInvariant();
        return $"{schema}\"glint_staging_{safe}\"";
    }

    private sealed record Prepared(DbConnection Connection, DbTransaction Transaction, long Rows, long Replaced) : IPreparedCommit;

    public IPreparedCommit Prepare(IReadOnlyList<WrittenFile> files)
    {
        // A database task's "file" is its batch in the staging table; AttemptFolder names the attempt that wrote it.
        var attempts = files.Select(f => f.AttemptFolder).Distinct().ToArray();
        var connection = target.Connection.Open(write: true);
        DbTransaction? transaction = null;
        try
        {
            transaction = connection.BeginTransaction();
            var table = dialect.Table(target.Table);
            var names = string.Join(", ", target.Columns.Select(c => dialect.Quote(c.Name)));
            if (!target.Exists)
                Run(connection, transaction, $"CREATE TABLE {table} ({string.Join(", ", target.Columns.Select(c => $"{dialect.Quote(c.Name)} {c.DatabaseType}"))})");
            long replaced = target.Mode == DatabaseWriteMode.Overwrite && target.Exists ? Run(connection, transaction, $"DELETE FROM {table}") : 0;
            var winners = Postgres ? "= ANY(@attempts)" : "IN (SELECT value FROM json_each(@attempts))";
            var insert = $"INSERT INTO {table} ({names}) SELECT {names} FROM {StagingTable} WHERE {DatabaseBatches.AttemptColumn} {winners}";
            if (target.Mode == DatabaseWriteMode.Upsert)
            {
                var others = target.Columns.Where(c => !target.Keys.Contains(c.Name)).Select(c => $"{dialect.Quote(c.Name)} = EXCLUDED.{dialect.Quote(c.Name)}").ToList();
                insert += $" ON CONFLICT ({string.Join(", ", target.Keys.Select(dialect.Quote))}) DO " + (others.Count == 0 ? "NOTHING" : "UPDATE SET " + string.Join(", ", others));
            }
            var rows = Run(connection, transaction, insert, ("attempts", Postgres ? attempts : System.Text.Json.JsonSerializer.Serialize(attempts)));
            return new Prepared(connection, transaction, rows, replaced);
        }
        catch (Exception e) when (e is DbException or InvalidOperationException)
        {
            transaction?.Dispose();
            connection.Dispose();
            Abort();
            var hint = e.Message.Contains("cannot affect row a second time", StringComparison.Ordinal)
                ? $" (the run's rows repeat a value of the upsert keys ({string.Join(", ", target.Keys)}); make them unique first, e.g. with drop_duplicates)"
                : "";
            throw new TargetException(target.Table, $"commit to {target} failed and was rolled back: {DatabaseConnection.Redact(e.Message)}{hint}", e);
        }
    }

    public CommittedTarget Complete(IPreparedCommit prepared)
    {
        var p = (Prepared)prepared;
        try { p.Transaction.Commit(); }
        catch (Exception e) when (e is DbException or InvalidOperationException)
        {
            throw new TargetException(target.Table, $"commit to {target} failed and was rolled back: {DatabaseConnection.Redact(e.Message)}", e);
        }
        finally
        {
            p.Transaction.Dispose();
            p.Connection.Dispose();
            Abort();
        }
        return new CommittedTarget($"{target.Connection.Kind.ToString().ToLowerInvariant()} table {target.Table}", 0, p.Rows, 0, (int)Math.Min(int.MaxValue, p.Replaced));
    }

    public void Undo(IPreparedCommit prepared)
    {
        var p = (Prepared)prepared;
        try { p.Transaction.Rollback(); } catch (Exception e) when (e is DbException or InvalidOperationException) { }
        p.Transaction.Dispose();
        p.Connection.Dispose();
        Abort();
    }

    public void Abort()
    {
        try { Execute($"DROP TABLE IF EXISTS {StagingTable}", "drop the staging table of"); }
        catch (GlintException) { } // an unlogged leftover named after the run; the next run does not depend on it
    }

    private static long Run(DbConnection connection, DbTransaction transaction, string sql, params (string Name, object Value)[] parameters)
    {
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        command.Transaction = transaction;
        command.CommandTimeout = 0;
        foreach (var (name, value) in parameters)
        {
            var parameter = command.CreateParameter();
            parameter.ParameterName = name;
            parameter.Value = value;
            command.Parameters.Add(parameter);
        }
        return command.ExecuteNonQuery();
    }

    private void Execute(string sql, string doing)
    {
        try
        {
            using var connection = target.Connection.Open(write: true);
            using var command = connection.CreateCommand();
            command.CommandText = sql;
            command.ExecuteNonQuery();
        }
        catch (DbException e)
        {
            throw new TargetException(target.Table, $"cannot {doing} {target}: {DatabaseConnection.Redact(e.Message)}", e);
        }
    }
}
