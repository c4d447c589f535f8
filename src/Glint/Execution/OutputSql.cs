using Glint.Common;
using Glint.Storage;

namespace Glint.Execution;

/// <summary>
/// The SQL that sends a task's rows where its stage's sink says: COPY into the attempt's folder, a bounded collect, a
/// count. With the physical operators (the pipeline's SQL) this is the only code that writes task SQL; the task runner
/// only executes it.
/// </summary>
internal static class OutputSql
{
    /// <summary>The statement an attempt runs, as Explain shows it.</summary>
    public static string Statement(TaskSpec task, TaskAttemptId attempt) =>
        (task.Work.Database is { } database ? $"-- first, from the database: {database.Select}\n" : "") + task.Work.Output switch
    {
        WriteFilesOutput w => Copy(task.Work.Query, w, attempt, Destination(w, attempt).Target, Destination(w, attempt).Format),
        CollectOutput c => Collect(task.Work.Query, c.MaxRows),
        DatabaseOutput d => $"-- rows copied (binary COPY) into {d.StagingTable}, then moved into {d.Target.Table} by the commit\n{task.Work.Query}",
        _ => Count(task.Work.Query),
    };

    /// <summary>
    /// The attempt's own folder, where COPY writes and in which format. DuckDB cannot partition JSON output:
    /// such tasks write partitioned Parquet into a subfolder, then turn each file into JSON lines.
    /// </summary>
    public static (string Folder, string Target, FileFormat Format) Destination(WriteFilesOutput output, TaskAttemptId attempt)
    {
        var folder = Path.Combine(output.StagingFolder, attempt.ToString());
        return output.Format == FileFormat.Json && !output.PartitionBy.IsEmpty
            ? (folder, Path.Combine(folder, "_parquet"), FileFormat.Parquet)
            : (folder, folder, output.Format);
    }

    /// <summary>The COPY that writes a task's rows into its attempt's folder, returning the files it wrote.</summary>
    public static string Copy(string query, WriteFilesOutput output, TaskAttemptId attempt, string target, FileFormat format)
    {
        var options = new List<string> { "FORMAT " + format.ToString().ToUpperInvariant(), "FILENAME_PATTERN " + Sql.Literal(output.FilePrefix + attempt + "-{i}") };
        if (format == FileFormat.Csv) options.Add("HEADER true");
        if (output.PartitionBy.IsEmpty) options.Add($"FILE_SIZE_BYTES {output.TargetFileSize}");
        else options.Add($"PARTITION_BY ({Sql.SelectList(output.PartitionBy)})");
        options.Add(format == FileFormat.Parquet ? "RETURN_STATS" : "RETURN_FILES");
        return $"COPY ({query}) TO {Sql.Literal(target)} ({string.Join(", ", options)})";
    }

    /// <summary>At most one row more than a collect may return, so that too many rows are seen.</summary>
    public static string Collect(string query, long maxRows) => $"{query} LIMIT {maxRows + 1}";

    /// <summary>The number of rows of a count action's task.</summary>
    public static string Count(string query) => $"SELECT count(*)::BIGINT FROM ({query})";

    /// <summary>Turns a Parquet file into JSON lines (DuckDB cannot partition JSON output).</summary>
    public static string JsonLines(string parquet, string destination) =>
        $"COPY (SELECT * FROM read_parquet({Sql.Literal(parquet)})) TO {Sql.Literal(destination)} (FORMAT JSON)";

    /// <summary>Whether the connection holds the tables a CSV scan with on_error: record fills.</summary>
    public static string CsvRejectsExist => $"SELECT count(*) FROM duckdb_tables() WHERE table_name = '{ScanSql.RejectsTable}'";

    /// <summary>
    /// The rows a CSV scan rejected, one per row: DuckDB lists a row once per bad column (a row short of k columns k times),
    /// so its reasons are joined, in Glint's words rather than DuckDB's.
    /// </summary>
    public static readonly string CsvRejects = $$"""
            WITH each AS (
                SELECT s.file_path, e.line, CAST(e.error_type AS VARCHAR) AS kind, e.column_idx, e.csv_line,
                       coalesce(CASE CAST(e.error_type AS VARCHAR)
                           WHEN 'CAST' THEN format('column ''{}'': ''{}'' is not {}', e.column_name,
                               regexp_extract(e.error_message, 'string "(.*)" to ''', 1), nullif(regexp_extract(e.error_message, 'to ''([^'']+)''', 1), ''))
                           WHEN 'MISSING COLUMNS' THEN format('expected {} columns, found {}',
                               nullif(regexp_extract(e.error_message, 'Columns: (\d+)', 1), ''), nullif(regexp_extract(e.error_message, 'Found: (\d+)', 1), ''))
                           WHEN 'TOO MANY COLUMNS' THEN format('expected {} columns, found {}',
                               nullif(regexp_extract(e.error_message, 'Columns: (\d+)', 1), ''), nullif(regexp_extract(e.error_message, 'Found: (\d+)', 1), ''))
                       END, e.error_message) AS reason
                FROM {{ScanSql.RejectsTable}} e JOIN {{ScanSql.RejectsScan}} s USING (scan_id, file_id)),
            per_kind AS (
                SELECT file_path, line, kind, any_value(csv_line) AS csv_line, min(column_idx) AS first_column,
                       CASE WHEN kind LIKE '%COLUMNS' THEN arg_min(reason, column_idx) ELSE string_agg(reason, '; ' ORDER BY column_idx) END AS reason
                FROM each GROUP BY file_path, line, kind)
            SELECT file_path, line, string_agg(kind, ', ' ORDER BY first_column), string_agg(reason, '; ' ORDER BY first_column), coalesce(any_value(csv_line), '')
            FROM per_kind GROUP BY file_path, line ORDER BY file_path, line
            """;
}
