using Glint.Common;
using Glint.Storage;
using Glint.Storage.Databases;
using Npgsql;

namespace Glint.Execution;

/// <summary>
/// A task's side of a database write: its query's rows go by binary COPY into the run's staging table, tagged with
/// the attempt. COPY is one statement, so a failed attempt leaves none of its rows; a retry writes them again under its own id.
/// </summary>
internal static class DatabaseBatchWriter
{
    public static TaskResult Write(string query, DatabaseOutput output, TaskAttemptId attempt, Slot slot, CancellationToken cancellation) =>
        output.Target.Connection.Kind == DatabaseKind.Postgres
            ? Copy(query, output, attempt, slot, cancellation)
            : Insert(query, output, attempt, slot, cancellation);

    /// <summary>
    /// SQLite has no COPY: the task inserts its rows with one prepared statement in one transaction (a failed attempt
    /// rolls back, leaving none of its rows); tasks of a run take turns at SQLite's single writer lock.
    /// </summary>
    private static TaskResult Insert(string query, DatabaseOutput output, TaskAttemptId attempt, Slot slot, CancellationToken cancellation)
    {
        var dialect = DatabaseDialect.For(DatabaseKind.Sqlite);
        var columns = output.Target.Columns;
        var select = $"SELECT {string.Join(", ", columns.Select(c => SqliteCast(c.DatabaseType, Sql.Ident(c.Name))))} FROM ({query})";
        long rows = 0;
        try
        {
            using var connection = output.Target.Connection.Open(write: true);
            using var transaction = connection.BeginTransaction();
            using var insert = connection.CreateCommand();
            insert.Transaction = transaction;
            insert.CommandText = $"INSERT INTO {output.StagingTable} ({string.Join(", ", columns.Select(c => dialect.Quote(c.Name)))}, {DatabaseBatches.AttemptColumn}) " +
                                 $"VALUES ({string.Join(", ", columns.Select((_, i) => $"@p{i}"))}, @attempt)";
            var parameters = columns.Select((_, i) => { var p = insert.CreateParameter(); p.ParameterName = $"@p{i}"; insert.Parameters.Add(p); return p; }).ToArray();
            var attemptParameter = insert.CreateParameter();
            attemptParameter.ParameterName = "@attempt";
            attemptParameter.Value = attempt.ToString();
            insert.Parameters.Add(attemptParameter);
            insert.Prepare();
            using var command = slot.Connection.CreateCommand();
            command.CommandText = select;
            using var registration = cancellation.Register(command.Cancel);
            using var reader = command.ExecuteReader();
            while (reader.Read())
            {
                for (var i = 0; i < parameters.Length; i++)
                    parameters[i].Value = reader.IsDBNull(i) ? DBNull.Value : reader.GetValue(i) switch
                    {
                        bool b => b ? 1L : 0L,
                        Stream stream => DatabaseBatches.Bytes(stream),
                        var v => v,
                    };
                insert.ExecuteNonQuery();
                if (++rows % 65_536 == 0) cancellation.ThrowIfCancellationRequested();
            }
            cancellation.ThrowIfCancellationRequested();
            transaction.Commit();
        }
        catch (System.Data.Common.DbException e)
        {
            throw output.Target.Connection.Failure($"write rows of {attempt} to staging table {output.StagingTable} of", e);
        }
        return new TaskResult(null, rows, [new WrittenFile(attempt.ToString(), "batch", rows, 0)], null);
    }

    /// <summary>Values for a SQLite column, by its declared type's affinity: integers, reals, blobs and booleans as such, the rest as text.</summary>
    private static string SqliteCast(string declared, string column)
    {
        var t = declared.ToUpperInvariant();
        if (t.Contains("INT")) return $"CAST({column} AS BIGINT)";
        if (t.Contains("REAL") || t.Contains("FLOA") || t.Contains("DOUB")) return $"CAST({column} AS DOUBLE)";
        if (t.Contains("BLOB")) return $"CAST({column} AS BLOB)";
        if (t is "BOOLEAN" or "BOOL") return $"CAST({column} AS BOOLEAN)";
        return $"CAST({column} AS VARCHAR)";
    }


    private static TaskResult Copy(string query, DatabaseOutput output, TaskAttemptId attempt, Slot slot, CancellationToken cancellation)
    {
        var dialect = DatabaseDialect.For(DatabaseKind.Postgres);
        var columns = output.Target.Columns;
        var writers = columns.Select(c => DatabaseBatches.Writer(c.DatabaseType)!).ToArray();
        var select = $"SELECT {string.Join(", ", columns.Select(c => DatabaseBatches.Cast(c.DatabaseType, Sql.Ident(c.Name))))} FROM ({query})";
        var copy = $"COPY {output.StagingTable} ({string.Join(", ", columns.Select(c => dialect.Quote(c.Name)))}, {DatabaseBatches.AttemptColumn}) FROM STDIN (FORMAT BINARY)";
        long rows = 0;
        try
        {
            using var connection = (NpgsqlConnection)output.Target.Connection.Open(write: true);
            using var importer = connection.BeginBinaryImport(copy);
            using var command = slot.Connection.CreateCommand();
            command.CommandText = select;
            using var registration = cancellation.Register(command.Cancel);
            using var reader = command.ExecuteReader();
            var id = attempt.ToString();
            while (reader.Read())
            {
                importer.StartRow();
                for (var i = 0; i < writers.Length; i++)
                {
                    if (reader.IsDBNull(i)) importer.WriteNull();
                    else writers[i](importer, reader.GetValue(i));
                }
                importer.Write(id, NpgsqlTypes.NpgsqlDbType.Text);
                if (++rows % 65_536 == 0) cancellation.ThrowIfCancellationRequested();
            }
            cancellation.ThrowIfCancellationRequested();
            importer.Complete();
        }
        catch (Exception e) when (e is NpgsqlException or InvalidCastException or OverflowException or FormatException)
        {
            throw output.Target.Connection.Failure($"write rows of {attempt} to staging table {output.StagingTable} of", e);
        }
        return new TaskResult(null, rows, [new WrittenFile(attempt.ToString(), "batch", rows, 0)], null);
    }
}
