using System.Collections.Immutable;
using Glint.Plan;
using Glint.Storage.Databases;
using Npgsql;

namespace Glint.Execution;

/// <summary>
/// A task's side of a database write: its query's rows go by binary COPY into the run's staging table, tagged with
/// the attempt. COPY is one statement, so a failed attempt leaves none of its rows; a retry writes them again under its own id.
/// </summary>
internal static class DatabaseBatchWriter
{
    public static TaskResult Write(string query, DatabaseOutput output, TaskAttemptId attempt, Slot slot, CancellationToken cancellation)
    {
        var dialect = DatabaseDialect.For(DatabaseKind.Postgres);
        var columns = output.Target.Columns;
        var writers = columns.Select(c => DatabaseBatches.Writer(c.PostgresType)!).ToArray();
        var select = $"SELECT {string.Join(", ", columns.Select(c => DatabaseBatches.Cast(c.PostgresType, Sql.Ident(c.Name))))} FROM ({query})";
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
