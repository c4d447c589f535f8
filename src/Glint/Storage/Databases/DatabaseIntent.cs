using System.Collections.Immutable;
using System.Data.Common;

namespace Glint.Storage.Databases;

/// <summary>
/// The commit of a database table: the statements that move the run's rows from the staging table into the table
/// (create it, delete its rows for overwrite, insert — upsert — the winning attempts' rows) and a row in the
/// database's <c>glint_commits</c> table, all in one transaction. The marker makes the transaction idempotent: after
/// the run's commit point, recovery runs it again from the staging table unless the marker says it is done.
/// </summary>
/// <param name="Connection">the connection without its password (PGPASSWORD or a pgpass file supplies it)</param>
internal sealed record DatabaseIntent(DatabaseKind Kind, string Connection, string RunId, string Table, string StagingTable,
    ImmutableArray<string> Statements, long Rows, long Replaced) : TargetIntent
{
    public override string Location => $"{Kind.ToString().ToLowerInvariant()} table {Table}";

    public override CommittedTarget Outcome => new(Location, 0, Rows, 0, (int)Math.Min(int.MaxValue, Replaced));

    /// <summary>The marker table, in the staging table's schema.</summary>
    private string Commits => StagingTable.Contains('.') ? StagingTable[..StagingTable.LastIndexOf('.')] + ".glint_commits" : "glint_commits";

    /// <summary>
    /// Runs the statements and writes the marker in <paramref name="transaction"/>; returns the rows inserted and
    /// replaced. The caller commits (in-process: after every target voted; recovery: at once).
    /// </summary>
    public (long Rows, long Replaced) Apply(DbConnection connection, DbTransaction transaction)
    {
        Run(connection, transaction, $"CREATE TABLE IF NOT EXISTS {Commits} (run_id text PRIMARY KEY, committed_at text NOT NULL)");
        long replaced = 0, rows = 0;
        foreach (var statement in Statements)
        {
            var n = Run(connection, transaction, statement);
            if (statement.StartsWith("DELETE", StringComparison.Ordinal)) replaced = n;
            if (statement.StartsWith("INSERT", StringComparison.Ordinal)) rows = n;
        }
        Run(connection, transaction, $"INSERT INTO {Commits} (run_id, committed_at) VALUES ('{RunId.Replace("'", "''")}', '{DateTime.UtcNow:O}')");
        return (rows, replaced);
    }

    /// <summary>Recovery past the commit point: the transaction again, unless its marker is there; then the staging table goes.</summary>
    public override void Publish(Common.S3Options s3, CommitTrace trace)
    {
        using var connection = DatabaseConnection.Parse(Connection).Open(write: true);
        if (!Committed(connection))
        {
            using var transaction = connection.BeginTransaction();
            Apply(connection, transaction);
            transaction.Commit();
        }
        Run(connection, null, $"DROP TABLE IF EXISTS {StagingTable}");
    }

    /// <summary>Recovery before the commit point: the dead writer's transaction died with it; its staging table goes.</summary>
    public override void RollBack(Common.S3Options s3)
    {
        using var connection = DatabaseConnection.Parse(Connection).Open(write: true);
        Run(connection, null, $"DROP TABLE IF EXISTS {StagingTable}");
    }

    private bool Committed(DbConnection connection)
    {
        Run(connection, null, $"CREATE TABLE IF NOT EXISTS {Commits} (run_id text PRIMARY KEY, committed_at text NOT NULL)");
        using var command = connection.CreateCommand();
        command.CommandText = $"SELECT count(*) FROM {Commits} WHERE run_id = '{RunId.Replace("'", "''")}'";
        return Convert.ToInt64(command.ExecuteScalar()) > 0;
    }

    private static long Run(DbConnection connection, DbTransaction? transaction, string sql)
    {
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        command.Transaction = transaction;
        command.CommandTimeout = 0;
        return command.ExecuteNonQuery();
    }
}
