using System.Collections.Immutable;
using System.Data.Common;
using System.Globalization;
using Glint.Common;
using Glint.Storage.Databases;

namespace Glint.Execution;

/// <summary>
/// DuckDB here cannot reach a database itself, so a task reading a database split first streams the split's rows
/// into a table of its slot (through DuckDB's appender), then runs its query over that table and drops it.
/// Values travel as .NET integers, doubles and booleans where exact, else as text DuckDB casts to the mapped type.
/// </summary>
internal static class DatabaseStaging
{
    public const string Table = "glint_database_input";

    /// <summary>The relation a task's query reads: the staged columns cast to their Glint types, under their own names.</summary>
    public static string Scan(ImmutableArray<DatabaseColumn> columns) =>
        "SELECT " + string.Join(", ", columns.Select((c, i) => c.Transfer switch
        {
            TransferAs.Hex => $"unhex(c{i})",
            TransferAs.Boolean => $"c{i}",
            _ when c.Type == StagedType(c.Transfer) => $"c{i}",
            _ => $"CAST(c{i} AS {c.Type})",
        } + " AS " + Sql.Ident(c.Name))) + " FROM " + Table;

    private static string StagedType(TransferAs transfer) => transfer switch
    {
        TransferAs.Integer => "BIGINT",
        TransferAs.Double => "DOUBLE",
        TransferAs.Boolean => "BOOLEAN",
        _ => "VARCHAR",
    };

    /// <summary>Reads the split into the slot's staging table; returns the rows read.</summary>
    public static long Load(DatabaseRead read, Slot slot, CancellationToken cancellation)
    {
        Execute(slot, $"CREATE OR REPLACE TABLE {Table} ({string.Join(", ", read.Columns.Select((c, i) => $"c{i} {StagedType(c.Transfer)}"))})");
        return DatabaseSession.Read(read.Connection, "read a split from", connection =>
        {
            using var command = connection.CreateCommand();
            command.CommandText = read.Select;
            command.CommandTimeout = 0;
            using var registration = cancellation.Register(() => { try { command.Cancel(); } catch (DbException) { } });
            using var reader = command.ExecuteReader();
            using var appender = slot.Connection.CreateAppender(Table);
            long rows = 0;
            while (reader.Read())
            {
                var row = appender.CreateRow();
                for (var i = 0; i < read.Columns.Length; i++)
                {
                    if (reader.IsDBNull(i)) { row.AppendNullValue(); continue; }
                    var column = read.Columns[i];
                    switch (column.Transfer)
                    {
                        case TransferAs.Integer: row.AppendValue(Integer(reader, i, column)); break;
                        case TransferAs.Double: row.AppendValue(Convert.ToDouble(reader.GetValue(i), CultureInfo.InvariantCulture)); break;
                        case TransferAs.Boolean: row.AppendValue(reader.GetBoolean(i)); break;
                        default: row.AppendValue(Text(reader.GetValue(i))); break;
                    }
                }
                row.EndRow();
                if (++rows % 65_536 == 0) cancellation.ThrowIfCancellationRequested();
            }
            cancellation.ThrowIfCancellationRequested();
            return rows;
        });
    }

    public static void Drop(Slot slot) => Execute(slot, $"DROP TABLE IF EXISTS {Table}");

    private static long Integer(DbDataReader reader, int i, DatabaseColumn column) => reader.GetValue(i) switch
    {
        long l => l,
        int n => n,
        short s => s,
        double d when d == Math.Floor(d) && Math.Abs(d) < 9e18 => (long)d,
        string s when long.TryParse(s, NumberStyles.Integer, CultureInfo.InvariantCulture, out var parsed) => parsed,
        var other => throw new SourceException(column.Name,
            $"column '{column.Name}' ({column.SourceType}) holds '{other}', which is not a whole number"),
    };

    private static string Text(object value) => value switch
    {
        string s => s,
        byte[] bytes => Convert.ToHexString(bytes),
        double d => d.ToString("R", CultureInfo.InvariantCulture),
        IFormattable f => f.ToString(null, CultureInfo.InvariantCulture),
        _ => value.ToString() ?? "",
    };

    private static void Execute(Slot slot, string sql)
    {
        using var command = slot.Connection.CreateCommand();
        command.CommandText = sql;
        command.ExecuteNonQuery();
    }
}
