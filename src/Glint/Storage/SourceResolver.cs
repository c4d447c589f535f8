using System.Collections.Immutable;
using DuckDB.NET.Data;
using Glint.Common;
using Glint.Engine;

namespace Glint.Storage;

/// <summary>Turns a path, format and options into a <see cref="FileSource"/>: lists the files and fixes the schema once for every task.</summary>
public static class SourceResolver
{
    /// <param name="s3">how to reach s3:// paths (default: the AWS environment variables)</param>
    public static FileSource Resolve(string path, FileFormat format, ReadOptions options, Common.S3Options? s3 = null)
    {
        if (options.RecordErrors && format == FileFormat.Parquet)
            throw new ConfigException("on_error", $"on_error: record is for CSV and JSON sources; '{path}' is parquet (its rows are typed already)");
        var remote = Common.S3Uri.IsS3(path);
        s3 ??= Common.S3Options.FromEnvironment();
        var (root, files) = FileListing.List(path, s3);
        var partitions = HivePartitioning.InferColumns(files);
        var fileColumns = options.ParseSchema() ?? Infer(format, options, files, remote ? s3 : null);
        var clash = fileColumns.FirstOrDefault(c => partitions.Any(p => string.Equals(p.Name, c.Name, StringComparison.OrdinalIgnoreCase)));
        if (clash is not null)
            fileColumns = fileColumns.Remove(clash); // the folder's value wins, as in Spark
        return new FileSource(remote ? path : Path.GetFullPath(path), root, format, options, files, fileColumns, partitions) { S3 = remote ? s3 : null };
    }

    private static ImmutableArray<Column> Infer(FileFormat format, ReadOptions options, ImmutableArray<SourceFile> files, Common.S3Options? s3)
    {
        // Spark reads one footer unless asked to merge; CSV and JSON are sniffed from the first non-empty file.
        var sampleFiles = format == FileFormat.Parquet && options.MergeSchema
            ? files.ToList()
            : [files.FirstOrDefault(f => f.Length > 0) ?? files[0]];
        if (s3 is null) return Describe(format, options, files, [.. sampleFiles.Select(f => f.Path)]);
        // DuckDB cannot read s3:// here: the sample is downloaded to a temporary folder, described, and removed.
        var cache = Directory.CreateDirectory(Path.Combine(Path.GetTempPath(), "glint-sample-" + Guid.NewGuid().ToString("N")[..12])).FullName;
        try
        {
            var store = new ObjectStores.ObjectStore(s3);
            var local = sampleFiles.Select((f, i) =>
            {
                var path = Path.Combine(cache, $"{i}{Path.GetExtension(f.Path)}");
                store.Download(Common.S3Uri.Parse(f.Path), path, f.Length);
                return path;
            }).ToList();
            return Describe(format, options, files, local, sampleFiles[0].Path);
        }
        finally { Directory.Delete(cache, recursive: true); }
    }

    private static ImmutableArray<Column> Describe(FileFormat format, ReadOptions options, ImmutableArray<SourceFile> files, List<string> sample, string? shownAs = null)
    {
        var query = ScanSql.InferenceQuery(format, options, sample, options.MergeSchema);
        try
        {
            var rows = DuckDbInstances.OnDriver(c => c.Query("DESCRIBE " + query));
            if (rows.Count == 0) throw new SourceException(shownAs ?? sample[0], $"cannot infer a schema from '{shownAs ?? sample[0]}': it has no columns");
            return rows.Select(r => new Column((string)r[0]!, (string)r[1]!)).ToImmutableArray();
        }
        catch (DuckDBException e)
        {
            throw new SourceException(shownAs ?? sample[0],
                $"cannot read '{shownAs ?? (sample.Count == 1 ? sample[0] : files[0].Path)}' as {format.ToString().ToLowerInvariant()}: {DuckDbErrors.Explain(e)}", e);
        }
    }
}
