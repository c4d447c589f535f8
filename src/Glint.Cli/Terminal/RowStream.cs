using System.Globalization;
using Glint.Api;
using Glint.Common;

namespace Glint.Cli.Terminal;

/// <summary>
/// Prints a large result without holding it: the rows are written to Parquet in a scratch folder by the run (one gathering task,
/// so in order), then read back a row at a time and printed as tab-separated lines. A table needs every row in memory first;
/// millions of rows would take gigabytes before the first line appeared.
/// </summary>
public static class RowStream
{
    /// <summary>Up to this many rows <c>glint sql</c> prints as a table; more are streamed.</summary>
    public const int TableRows = 10_000;

    /// <summary>Prints at most <paramref name="maxRows"/> rows of the frame; returns how many were printed and whether there were more.</summary>
    public static (long Printed, bool More) Print(DataFrame frame, long maxRows, TextWriter output, CancellationToken cancellation)
    {
        var folder = Path.Combine(frame.Session.Options.Home, "scratch", $"sql-{Guid.NewGuid():N}");
        try
        {
            frame.Limit(maxRows + 1).Write().Save(folder, cancellation);
            output.WriteLine(string.Join('\t', frame.Schema.Names));
            var files = Directory.GetFiles(folder, "*.parquet").Order(NaturalOrder.Instance).ToList();
            if (files.Count == 0) return (0, false);
            // The run is over: one more DuckDB instance, for reading, slows no running task.
            using var connection = new DuckDB.NET.Data.DuckDBConnection("Data Source=:memory:");
            connection.Open();
            {
                using var command = connection.CreateCommand();
                command.CommandText = $"SELECT * FROM read_parquet([{string.Join(", ", files.Select(Sql.Literal))}], file_row_number = false)";
                using var reader = command.ExecuteReader();
                long printed = 0;
                var values = new string[reader.FieldCount];
                while (reader.Read())
                {
                    cancellation.ThrowIfCancellationRequested();
                    if (printed == maxRows) return (printed, true);
                    for (var i = 0; i < values.Length; i++) values[i] = reader.IsDBNull(i) ? "NULL" : Text(reader.GetValue(i));
                    output.WriteLine(string.Join('\t', values));
                    printed++;
                }
                return (printed, false);
            }
        }
        finally
        {
            try { Directory.Delete(folder, recursive: true); } catch (IOException) { }
        }
    }

    /// <summary>A value as the table shows it, with tabs and line breaks escaped so each row stays one line.</summary>
    public static string Text(object? value) => (value switch
    {
        null => "NULL",
        DateTime t => t.ToString(t.TimeOfDay == TimeSpan.Zero ? "yyyy-MM-dd" : "yyyy-MM-dd HH:mm:ss.FFFFFF", CultureInfo.InvariantCulture),
        DateOnly d => d.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
        IFormattable f => f.ToString(null, CultureInfo.InvariantCulture),
        _ => value.ToString() ?? "",
    }).Replace("\t", "\\t", StringComparison.Ordinal).Replace("\n", "\\n", StringComparison.Ordinal);

    /// <summary>part-…-2 before part-…-10: the order COPY numbered the files in.</summary>
    private sealed class NaturalOrder : IComparer<string>
    {
        public static readonly NaturalOrder Instance = new();
        public int Compare(string? x, string? y) =>
            (x?.Length ?? 0) != (y?.Length ?? 0) ? (x?.Length ?? 0).CompareTo(y?.Length ?? 0) : string.CompareOrdinal(x, y);
    }
}
