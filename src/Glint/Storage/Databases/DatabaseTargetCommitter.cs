using System.Data.Common;
using Glint.Common;

namespace Glint.Storage.Databases;

/// <summary>
/// The job commit for a database table. Before any task runs, a staging table is created next to it (unlogged on
/// PostgreSQL); tasks write their rows into it (binary COPY on PostgreSQL, batched inserts on SQLite), each row tagged
/// with its attempt. The commit then runs in one transaction (see <see cref="DatabaseIntent"/>), which stays open
/// until every target of the run is placed and commits after the run's commit point; a failure before it rolls it
/// back, so a failed run leaves the table exactly as it was. The staging table is dropped once the commit is done.
/// </summary>
internal sealed class DatabaseTargetCommitter : ITargetCommitter
{
    private readonly DatabaseTarget target;
    private readonly DatabaseDialect dialect;
    private bool Postgres => target.Connection.Kind == DatabaseKind.Postgres;

    public DatabaseTargetCommitter(DatabaseTarget target, RunContext run)
    {
        this.target = target;
        runId = run.RunId;
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

    private DbConnection? connection;
    private DbTransaction? transaction;
    private readonly RunId runId;

    public TargetIntent Staged => Intent([]);

    /// <summary>The transaction's statements for the winning attempts (AttemptFolder names the attempt that wrote a batch).</summary>
    public TargetIntent Plan(IReadOnlyList<WrittenFile> files) => Intent([.. files.Select(f => f.AttemptFolder).Distinct()]);

    private DatabaseIntent Intent(string[] attempts)
    {
        var table = dialect.Table(target.Table);
        var names = string.Join(", ", target.Columns.Select(c => dialect.Quote(c.Name)));
        var statements = new List<string>();
        if (!target.Exists)
            statements.Add($"CREATE TABLE IF NOT EXISTS {table} ({string.Join(", ", target.Columns.Select(c => $"{dialect.Quote(c.Name)} {c.DatabaseType}"))})");
        if (target.Mode == DatabaseWriteMode.Overwrite && target.Exists) statements.Add($"DELETE FROM {table}");
        var winners = attempts.Length == 0 ? "IN (NULL)" : $"IN ({string.Join(", ", attempts.Select(a => dialect.Literal(a)))})";
        var insert = $"INSERT INTO {table} ({names}) SELECT {names} FROM {StagingTable} WHERE {DatabaseBatches.AttemptColumn} {winners}";
        if (target.Mode == DatabaseWriteMode.Upsert)
        {
            var others = target.Columns.Where(c => !target.Keys.Contains(c.Name)).Select(c => $"{dialect.Quote(c.Name)} = EXCLUDED.{dialect.Quote(c.Name)}").ToList();
            insert += $" ON CONFLICT ({string.Join(", ", target.Keys.Select(dialect.Quote))}) DO " +
                      (others.Count == 0 ? "NOTHING" : "UPDATE SET " + string.Join(", ", others));
        }
        statements.Add(insert);
        return new DatabaseIntent(target.Connection.Kind, target.Connection.WithoutPassword().ConnectionString, runId.Value, target.Table, StagingTable,
            [.. statements], 0, 0);
    }

    /// <summary>Runs the transaction and leaves it open until the run's commit point: the target's vote.</summary>
    public TargetIntent Place(TargetIntent intent, CommitTrace trace)
    {
        var planned = (DatabaseIntent)intent;
        connection = target.Connection.Open(write: true);
        try
        {
            transaction = connection.BeginTransaction();
            var (rows, replaced) = planned.Apply(connection, transaction);
            trace.Step($"placed {target.Table}");
            return planned with { Rows = rows, Replaced = replaced };
        }
        catch (Exception e) when (e is DbException or InvalidOperationException)
        {
            Close();
            var hint = e.Message.Contains("cannot affect row a second time", StringComparison.Ordinal)
                ? $" (the run's rows repeat a value of the upsert keys ({string.Join(", ", target.Keys)}); make them unique first, e.g. with drop_duplicates)"
                : "";
            throw new TargetException(target.Table, $"commit to {target} failed and was rolled back: {DatabaseConnection.Redact(e.Message)}{hint}", e);
        }
    }

    public CommittedTarget Outcome(TargetIntent intent) =>
        intent.Outcome with { Location = $"{target.Connection.Kind.ToString().ToLowerInvariant()} table {target.Table}" };

    public void Publish(TargetIntent intent, CommitTrace trace)
    {
        try { transaction!.Commit(); }
        catch (Exception e) when (e is DbException or InvalidOperationException)
        {
            throw new TargetException(target.Table, $"commit to {target} was committed, but the database refused it (the next Glint process tries again): {DatabaseConnection.Redact(e.Message)}", e);
        }
        finally
        {
            Close();
        }
        DropStaging();
    }

    public void RollBack(TargetIntent intent)
    {
        try { transaction?.Rollback(); } catch (Exception e) when (e is DbException or InvalidOperationException) { }
        Close();
        DropStaging();
    }

    private void Close()
    {
        transaction?.Dispose();
        connection?.Dispose();
        transaction = null;
        connection = null;
    }

    private void DropStaging()
    {
        try { Execute($"DROP TABLE IF EXISTS {StagingTable}", "drop the staging table of"); }
        catch (GlintException) { } // an unlogged leftover named after the run; the next run does not depend on it
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
