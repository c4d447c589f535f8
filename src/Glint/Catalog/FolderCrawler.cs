using System.Collections.Immutable;
using System.Globalization;
using DuckDB.NET.Data;
using Glint.Common;
using Glint.Engine;
using Glint.Storage;

namespace Glint.Catalog;

/// <summary>
/// A crawler over a folder: finds tables and partitions (<see cref="FolderLayout"/>), infers schemas
/// with DuckDB (Parquet footers; sampling for CSV and JSON), and brings the catalog up to date —
/// only partitions whose files changed are read again, so a second crawl of the same folders changes nothing.
/// </summary>
public sealed class FolderCrawler(IMetastore metastore, CrawlerOptions options, Common.S3Options? s3 = null)
{
    private CrawlStore store = null!;

    /// <summary>Crawls a local folder or an s3://bucket/prefix.</summary>
    public CrawlResult Crawl(string path)
    {
        using var opened = CrawlStore.Open(path, s3 ?? Common.S3Options.FromEnvironment());
        var root = opened.Root(path);
        var exclusions = new ExclusionGlobs(options.Exclusions);
        store = exclusions.IsEmpty ? opened : new ExcludingCrawlStore(opened, root, exclusions);
        if (!store.IsFolder(root))
            throw new SourceException(root, Common.S3Uri.IsS3(root) ? $"crawl path '{root}' holds no objects" : $"crawl path '{root}' is not a folder");
        var result = new CrawlResult();
        metastore.EnsureDatabase(options.Database);
        var layout = new FolderLayout(store, options, (format, file) => Describe(format, [file], result.Warnings), result.Warnings);
        foreach (var table in layout.Discover(root))
            Apply(table, result);
        return result;
    }

    private void Apply(DiscoveredTable found, CrawlResult result)
    {
        var name = options.TablePrefix + found.Name;
        var existing = metastore.FindTable(options.Database, name);
        for (var n = 2; existing is not null && existing.Definition.Location != found.Location; n++)
            existing = metastore.FindTable(options.Database, name = $"{options.TablePrefix}{found.Name}_{n}");
        var qualified = $"{options.Database}.{name}";
        var previous = existing is null ? [] : metastore.Partitions(options.Database, name).ToDictionary(p => p.Key);
        var keyTypes = PartitionTypes(found, existing, result.Warnings);

        // Read again only what changed: a partition with the same fingerprint keeps its catalog entry.
        var changed = new List<CatalogPartition>();
        var seenKeys = new HashSet<string>();
        ImmutableArray<CatalogColumn>? columns = existing?.Definition.Columns;
        var incompatible = new List<string>();
        var csv = existing?.Definition.FormatOptions ?? ImmutableDictionary<string, string>.Empty;
        var unchanged = 0;
        var seenColumns = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        foreach (var partition in found.Partitions)
        {
            if (!ValidValues(partition, keyTypes, found, result.Warnings)) continue;
            var fingerprint = partition.Fingerprint();
            var entry = new CatalogPartition(partition.Values, partition.Folder, partition.Files.Length, partition.Files.Sum(f => f.Length), null, fingerprint);
            seenKeys.Add(entry.Key);
            if (previous.TryGetValue(entry.Key, out var old) && old.Fingerprint == fingerprint && old.State == PartitionState.Active)
            {
                unchanged++;
                continue;
            }
            // Local partitions are read whole; of an object partition one sample object is downloaded.
            var files = (store.ReadsAreLocal ? partition.Files : partition.Files.Take(1)).Select(store.Local).ToList();
            if (Describe(found.Format, files, result.Warnings) is not { } schema)
            {
                seenKeys.Remove(entry.Key);
                continue;
            }
            if (found.Format == FileFormat.Csv && csv.IsEmpty) csv = SniffCsv(files[0]);
            schema = [.. schema.Where(c => !found.PartitionKeys.Contains(c.Name, StringComparer.OrdinalIgnoreCase))];
            seenColumns.UnionWith(schema.Select(c => c.Name));
            if (columns is null) columns = schema;
            else
            {
                var merged = SchemaMerge.Merge(columns.Value, schema, replaceIncompatible: options.SchemaPolicy == SchemaChangePolicy.UpdateInDatabase);
                incompatible.AddRange(merged.Incompatible.Select(i => $"{partition.Folder}: {i}"));
                // Under LOG a partition that does not fit stays out of the catalog, so a later crawl reads it again.
                if (merged.Incompatible.Count > 0 && options.SchemaPolicy == SchemaChangePolicy.Log) continue;
                columns = merged.Columns;
            }
            changed.Add(entry with { Rows = found.Format == FileFormat.Parquet && store.ReadsAreLocal ? Rows(files) : null });
        }
        // A dropped column can only be told when every partition was read again (none kept its fingerprint).
        if (existing is not null && unchanged == 0 && seenColumns.Count > 0 && columns is not null)
        {
            var dropped = existing.Definition.Columns.Where(c => !seenColumns.Contains(c.Name)).ToList();
            incompatible.AddRange(dropped.Select(c => $"{found.Location}: column '{c.Name}' was dropped (no partition has it)"));
            if (dropped.Count > 0 && options.SchemaPolicy == SchemaChangePolicy.UpdateInDatabase)
                columns = [.. columns.Value.Where(c => !dropped.Contains(c))];
            else if (dropped.Count > 0)
                changed.Clear(); // under LOG the rewritten partitions stay out, so a later crawl reads them again
        }
        if (columns is null)
        {
            if (existing is null) result.Warnings.Add($"{found.Location}: no readable data files, no table");
            return;
        }

        var definition = new TableDefinition(found.Location, found.Format.ToString().ToLowerInvariant(), csv, columns.Value,
            [.. found.PartitionKeys.Select(k => new CatalogColumn(k, keyTypes[k]))],
            existing?.Definition.Parameters ?? ImmutableDictionary<string, string>.Empty
                .Add("classification", found.Format.ToString().ToLowerInvariant())
                .Add("partitioning", found.HivePartitioned ? "hive" : "folders"));
        if (existing is null)
        {
            metastore.CreateTable(options.Database, name, definition);
            result.TablesCreated.Add(qualified);
        }
        else if (!definition.SameShape(existing.Definition))
        {
            metastore.UpdateTable(existing, definition);
            result.TablesUpdated.Add(qualified);
        }
        else result.TablesUnchanged.Add(qualified);
        if (options.SchemaPolicy == SchemaChangePolicy.Log)
            result.Warnings.AddRange(incompatible.Select(i => $"{qualified}: {i}; the table keeps its schema and the partition stays out of the catalog (schema change policy LOG)"));

        metastore.PutPartitions(options.Database, name, changed);
        result.PartitionsAdded += changed.Count(p => !previous.ContainsKey(p.Key));
        result.PartitionsUpdated += changed.Count(p => previous.ContainsKey(p.Key));
        result.PartitionsUnchanged += unchanged;
        Vanished(name, qualified, previous.Values.Where(p => !seenKeys.Contains(p.Key)).ToList(), result);
    }

    private void Vanished(string table, string qualified, List<CatalogPartition> gone, CrawlResult result)
    {
        if (gone.Count == 0) return;
        switch (options.DeletePolicy)
        {
            case DeletePolicy.DeleteFromDatabase:
                metastore.DeletePartitions(options.Database, table, gone.Select(p => p.Values));
                result.PartitionsRemoved += gone.Count;
                break;
            case DeletePolicy.DeprecateInDatabase:
                var fresh = gone.Where(p => p.State != PartitionState.Deprecated).ToList();
                metastore.PutPartitions(options.Database, table, fresh.Select(p => p with { State = PartitionState.Deprecated }));
                result.PartitionsDeprecated += fresh.Count;
                break;
            default:
                result.Warnings.AddRange(gone.Select(p => $"{qualified}: partition {p.Location} vanished; kept in the catalog (delete policy LOG)"));
                break;
        }
    }

    /// <summary>Each key's type: the catalog's for an existing table, else inferred from all values (BIGINT, DATE, DOUBLE, else VARCHAR).</summary>
    private static Dictionary<string, string> PartitionTypes(DiscoveredTable found, CatalogTable? existing, List<string> warnings)
    {
        if (existing is not null && existing.Definition.PartitionKeys.Select(k => k.Name).SequenceEqual(found.PartitionKeys))
            return existing.Definition.PartitionKeys.ToDictionary(k => k.Name, k => k.Type);
        var files = found.Partitions.Select(p => new SourceFile(p.Folder, 0, default,
            [.. found.PartitionKeys.Select((k, i) => new KeyValuePair<string, string?>(k, p.Values[i]))])).ToImmutableArray();
        var inferred = found.HivePartitioned ? HivePartitioning.InferColumns(files) : [.. found.PartitionKeys.Select(k => new Column(k, "VARCHAR"))];
        return inferred.ToDictionary(c => c.Name, c => c.Type);
    }

    private static bool ValidValues(DiscoveredPartition partition, Dictionary<string, string> types, DiscoveredTable table, List<string> warnings)
    {
        for (var i = 0; i < table.PartitionKeys.Length; i++)
        {
            var value = partition.Values[i];
            var type = types[table.PartitionKeys[i]];
            var ok = value is null || type switch
            {
                "BIGINT" => long.TryParse(value, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out _),
                "DOUBLE" => double.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out _),
                "DATE" => DateOnly.TryParseExact(value, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out _),
                _ => true,
            };
            if (!ok)
            {
                warnings.Add($"{partition.Folder}: '{value}' is not a valid {type} for partition key '{table.PartitionKeys[i]}'; partition skipped");
                return false;
            }
        }
        return true;
    }

    /// <summary>The columns of some files, or null (with a warning) when DuckDB cannot read them.</summary>
    internal static ImmutableArray<CatalogColumn>? Describe(FileFormat format, IReadOnlyList<string> files, List<string> warnings)
    {
        var list = Sql.List(files);
        var query = format switch
        {
            FileFormat.Parquet => $"SELECT * FROM read_parquet({list}, union_by_name=true, hive_partitioning=false)",
            FileFormat.Csv => $"SELECT * FROM read_csv({Sql.List(files.Take(1))}, hive_partitioning=false)",
            _ => $"SELECT * FROM read_json({Sql.List(files.Take(1))}, format='newline_delimited', hive_partitioning=false)",
        };
        try
        {
            return [.. DuckDbInstances.OnDriver(c => c.Query("DESCRIBE " + query)).Select(r => new CatalogColumn((string)r[0]!, (string)r[1]!))];
        }
        catch (DuckDBException e)
        {
            warnings.Add($"{(files.Count == 1 ? files[0] : Path.GetDirectoryName(files[0]))}: cannot read as {format.ToString().ToLowerInvariant()} ({DuckDbErrors.Explain(e)}); skipped");
            return null;
        }
    }

    private static ImmutableDictionary<string, string> SniffCsv(string file)
    {
        var row = DuckDbInstances.OnDriver(c => c.Query($"SELECT Delimiter, HasHeader FROM sniff_csv({Sql.Literal(file)})"))[0];
        return ImmutableDictionary<string, string>.Empty
            .Add("delimiter", (string)row[0]!)
            .Add("header", (bool)row[1]! ? "true" : "false");
    }

    private static long? Rows(IEnumerable<string> files)
    {
        try { return files.Sum(ParquetFooter.RowCount); }
        catch (Exception e) when (e is IOException or InvalidDataException or SourceException) { return null; }
    }
}
