using System.Collections.Immutable;
using DuckDB.NET.Data;
using Glint.Errors;
using Glint.Execution;
using Glint.Plan;

namespace Glint.Storage;

/// <summary>Turns a path, format and options into a <see cref="FileSource"/>: lists the files and fixes the schema once for every task.</summary>
public static class SourceResolver
{
    public static FileSource Resolve(string path, FileFormat format, ReadOptions options)
    {
        if (options.RecordErrors && format != FileFormat.Csv)
            throw new ConfigException("on_error", $"on_error: record is supported for CSV sources; '{path}' is {format.ToString().ToLowerInvariant()}");
        var (root, files) = FileListing.List(path);
        var partitions = HivePartitioning.InferColumns(files);
        var fileColumns = options.ParseSchema() ?? Infer(format, options, files);
        var clash = fileColumns.FirstOrDefault(c => partitions.Any(p => string.Equals(p.Name, c.Name, StringComparison.OrdinalIgnoreCase)));
        if (clash is not null)
            fileColumns = fileColumns.Remove(clash); // the folder's value wins, as in Spark
        return new FileSource(Path.GetFullPath(path), root, format, options, files, fileColumns, partitions);
    }

    private static ImmutableArray<Column> Infer(FileFormat format, ReadOptions options, ImmutableArray<SourceFile> files)
    {
        // Spark reads one footer unless asked to merge; CSV and JSON are sniffed from the first non-empty file.
        var sample = format == FileFormat.Parquet && options.MergeSchema
            ? files.Select(f => f.Path).ToList()
            : [(files.FirstOrDefault(f => f.Length > 0) ?? files[0]).Path];
        var query = ScanSql.InferenceQuery(format, options, sample, options.MergeSchema);
        try
        {
            var rows = DuckDbInstances.OnDriver(c => c.Query("DESCRIBE " + query));
            if (rows.Count == 0) throw new SourceException(sample[0], $"cannot infer a schema from '{sample[0]}': it has no columns");
            return rows.Select(r => new Column((string)r[0]!, (string)r[1]!)).ToImmutableArray();
        }
        catch (DuckDBException e)
        {
            throw new SourceException(sample[0],
                $"cannot read '{(sample.Count == 1 ? sample[0] : files[0].Path)}' as {format.ToString().ToLowerInvariant()}: {Binder.Explain(e)}", e);
        }
    }
}
