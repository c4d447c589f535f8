using System.Collections.Immutable;
using Glint.Common;

namespace Glint.Storage;

/// <summary>Renders the DuckDB table function that reads a set of files of one source with a fixed schema.</summary>
public static class ScanSql
{
    /// <summary>Where DuckDB keeps the rows a CSV scan rejected (on_error: record), per connection.</summary>
    public const string RejectsTable = "glint_rejects", RejectsScan = "glint_reject_scans";

    /// <summary>A relation with exactly the source's columns in order, over the given files (optionally a row range of one Parquet file).</summary>
    /// <param name="listed">how many files a file list names before "… N more"; a task names all, explain a few</param>
    public static string Render(FileSource source, IEnumerable<string> files, RowRange? rows = null, int listed = int.MaxValue)
    {
        if (source.PartitionsFromFolders && !source.PartitionColumns.IsEmpty)
            return ByFolder(source, [.. files], rows, listed);
        if (source.Format == FileFormat.Json && source.Options.RecordErrors)
            return $"SELECT {Sql.SelectList(source.Schema.Names)} FROM ({JsonLines(source, files, listed)}) WHERE glint_reason IS NULL";
        var list = Sql.List(files, listed);
        var hive = HiveArgs(source.PartitionColumns);
        var function = source.Format switch
        {
            FileFormat.Parquet => $"read_parquet({list}{hive}{(source.Options.MergeSchema ? ", union_by_name=true" : "")}{(rows is null ? "" : ", file_row_number=true")})",
            FileFormat.Csv => $"read_csv({list}, {CsvArgs(source.Options)}, auto_detect=false, columns={Sql.TypeStruct(source.FileColumns)}{hive})",
            _ => $"read_json({list}, format='newline_delimited', columns={Sql.TypeStruct(source.FileColumns)}{hive})",
        };
        var where = rows is null ? "" : $" WHERE file_row_number BETWEEN {rows.First} AND {rows.Last}";
        if (source.Format == FileFormat.Parquet && source.Options.MergeSchema)
        {
            // A task's files may lack columns that other files of the source have (a schema that grew):
            // a union by name with an empty relation of the whole schema gives them as NULL, in the source's types.
            var empty = "SELECT " + string.Join(", ", source.Schema.Columns.Select(c => $"CAST(NULL AS {c.Type}) AS {Sql.Ident(c.Name)}")) + " LIMIT 0";
            var casts = string.Join(", ", source.Schema.Columns.Select(c => $"CAST({Sql.Ident(c.Name)} AS {c.Type}) AS {Sql.Ident(c.Name)}"));
            var exclude = rows is null ? "" : " EXCLUDE (file_row_number)";
            return $"SELECT {casts} FROM (({empty}) UNION ALL BY NAME (SELECT *{exclude} FROM {function}{where}))";
        }
        return $"SELECT {Sql.SelectList(source.Schema.Names)} FROM {function}{where}";
    }

    /// <summary>The rows a JSON scan with on_error: record rejects: file, line, kind, reason and raw text.</summary>
    public static string JsonRejects(FileSource source, IEnumerable<string> files, int listed = int.MaxValue) =>
        $"SELECT glint_file, glint_line, glint_kind, glint_reason, glint_raw FROM ({JsonLines(source, files, listed)}) WHERE glint_reason IS NOT NULL ORDER BY glint_file, glint_line";

    /// <summary>
    /// JSON lines read as text, one row per non-blank line with its file and line number, each column extracted and
    /// cast with TRY_CAST: a line that is not a JSON object, or whose value does not fit its column's type, gets a reason
    /// (and becomes an error record) instead of failing the scan.
    /// </summary>
    private static string JsonLines(FileSource source, IEnumerable<string> files, int listed)
    {
        static string Path(string column) => Sql.Literal("$." + "\"" + column.Replace("\"", "\\\"") + "\"");
        string Value(Column c) => c.Type.EndsWith(']') || c.Type.StartsWith("STRUCT", StringComparison.Ordinal) || c.Type.StartsWith("MAP", StringComparison.Ordinal)
            ? $"json_extract(glint_raw, {Path(c.Name)})"
            : $"json_extract_string(glint_raw, {Path(c.Name)})";
        var checks = source.FileColumns.Select(c =>
            $"WHEN {Value(c)} IS NOT NULL AND TRY_CAST({Value(c)} AS {c.Type}) IS NULL THEN {Sql.Literal($"column '{c.Name}': '")} || CAST({Value(c)} AS VARCHAR) || {Sql.Literal($"' is not {c.Type}")}");
        var reason = $"CASE WHEN NOT json_valid(glint_raw) THEN 'malformed JSON' WHEN json_type(glint_raw) <> 'OBJECT' THEN 'not a JSON object' {string.Join(" ", checks)} END";
        var columns = source.FileColumns.Select(c => $"TRY_CAST({Value(c)} AS {c.Type}) AS {Sql.Ident(c.Name)}")
            .Concat(source.PartitionColumns.Select(c =>
                $"TRY_CAST(nullif(regexp_extract(glint_file, {Sql.Literal("/" + System.Text.RegularExpressions.Regex.Escape(c.Name) + "=([^/]*)/")}, 1), '{HivePartitioning.NullValue}') AS {c.Type}) AS {Sql.Ident(c.Name)}"));
        var lines = $"""
            SELECT filename AS glint_file, unnest(range(1, len(glint_lines) + 1)) AS glint_line, rtrim(unnest(glint_lines), chr(13)) AS glint_raw
            FROM (SELECT filename, string_split(content, chr(10)) AS glint_lines FROM read_text({Sql.List(files, listed)}))
            """;
        return $"""
            SELECT glint_file, glint_line, glint_raw, CASE WHEN json_valid(glint_raw) AND json_type(glint_raw) = 'OBJECT' THEN 'CAST' ELSE 'JSON' END AS glint_kind,
                   {reason} AS glint_reason, {string.Join(", ", columns)}
            FROM ({lines}) WHERE trim(glint_raw) <> ''
            """;
    }

    /// <summary>
    /// Partition values that no folder name spells out: the files are read in groups of equal values,
    /// each group adding its values as constants, and the groups unioned.
    /// </summary>
    private static string ByFolder(FileSource source, IReadOnlyList<string> files, RowRange? rows, int listed)
    {
        var plain = source with { PartitionColumns = [], PartitionsFromFolders = false };
        var byPath = source.Files.ToDictionary(f => f.Path, f => f.PartitionValues);
        var parts = files.GroupBy(f => string.Join("\u0000", byPath[f].Select(kv => kv.Value ?? "\u0001"))).Select(group =>
        {
            var values = byPath[group.First()];
            var constants = source.PartitionColumns.Select(c =>
            {
                var value = values.First(kv => string.Equals(kv.Key, c.Name, StringComparison.OrdinalIgnoreCase)).Value;
                return $"{(value is null ? "NULL" : $"CAST({Sql.Literal(value)} AS {c.Type})")} AS {Sql.Ident(c.Name)}";
            });
            return $"SELECT *, {string.Join(", ", constants)} FROM ({Render(plain, group, rows, listed)})";
        });
        return $"SELECT {Sql.SelectList(source.Schema.Names)} FROM ({string.Join(" UNION ALL ", parts)})";
    }

    /// <summary>The query whose DESCRIBE gives a source's file columns before the schema is known.</summary>
    public static string InferenceQuery(FileFormat format, ReadOptions options, IEnumerable<string> files, bool mergeSchema) =>
        format switch
        {
            FileFormat.Parquet => $"SELECT * FROM read_parquet({Sql.List(files)}, hive_partitioning=false, union_by_name={(mergeSchema ? "true" : "false")})",
            FileFormat.Csv => $"SELECT * FROM read_csv({Sql.List(files)}, {CsvArgs(options)}, hive_partitioning=false)",
            _ => $"SELECT * FROM read_json({Sql.List(files)}, format='newline_delimited', hive_partitioning=false)",
        };

    private static string CsvArgs(ReadOptions o)
    {
        var args = $"header={(o.Header ? "true" : "false")}, delim={Sql.Literal(o.Delimiter)}, quote={Sql.Literal(o.Quote)}";
        if (o.Escape is not null) args += $", escape={Sql.Literal(o.Escape)}";
        if (o.NullValue is not null) args += $", nullstr={Sql.Literal(o.NullValue)}";
        if (o.RecordErrors) args += $", ignore_errors=true, store_rejects=true, rejects_table='{RejectsTable}', rejects_scan='{RejectsScan}'";
        return args;
    }

    private static string HiveArgs(ImmutableArray<Column> partitions) =>
        partitions.IsEmpty
            ? ", hive_partitioning=false"
            : $", hive_partitioning=true, hive_types={Sql.TypeStruct(partitions)}";
}

/// <summary>An inclusive range of row numbers within one Parquet file, aligned to row groups.</summary>
public sealed record RowRange(long First, long Last)
{
    public long Count => Last - First + 1;
}
