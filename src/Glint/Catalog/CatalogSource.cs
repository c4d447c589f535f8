using System.Collections.Immutable;
using System.Text.Json;
using Glint.Common;
using Glint.Engine;
using Glint.Storage;
using Glint.Storage.ObjectStores;

namespace Glint.Catalog;

/// <summary>
/// Reads a catalog table: its partitions are pruned in the metastore by a predicate on partition
/// columns, and only the kept partitions' folders are listed — the schema comes from the catalog.
/// </summary>
public static class CatalogSource
{
    /// <param name="listFiles">false leaves one entry per kept partition folder, so that later pruning (a SQL WHERE) happens before any listing; <see cref="Listed"/> lists them</param>
    public static FileSource Resolve(IMetastore store, string qualifiedName, string? predicate, bool listFiles = true, S3Options? s3 = null) =>
        Resolve(store, Find(store, qualifiedName), predicate, listFiles, s3);

    /// <summary>The catalog table a qualified name names; a name that is not there is refused with the database's tables and the closest.</summary>
    public static CatalogTable Find(IMetastore store, string qualifiedName)
    {
        var dot = qualifiedName.IndexOf('.');
        if (dot <= 0 || dot == qualifiedName.Length - 1)
            throw new CatalogException(qualifiedName, $"name a catalog table as database.table, not '{qualifiedName}'");
        var (database, name) = (qualifiedName[..dot], qualifiedName[(dot + 1)..]);
        var table = store.FindTable(database, name)
            ?? throw new CatalogException(qualifiedName,
                Missing(store, qualifiedName, database, name));
        return table;
    }

    private static string Missing(IMetastore store, string qualifiedName, string database, string name)
    {
        var databases = store.Databases().Select(d => d.Name).ToList();
        if (!databases.Contains(database, StringComparer.OrdinalIgnoreCase))
            return $"table '{qualifiedName}' does not exist: the catalog ({store.Description}) has no database '{database}'{Suggestions.DidYouMean(database, databases)}" +
                $" (databases: {(databases.Count == 0 ? "none; glint crawl adds some" : string.Join(", ", databases))})";
        var tables = store.Tables(database).Select(t => t.Name).ToList();
        return $"table '{qualifiedName}' does not exist in the catalog ({store.Description}){Suggestions.DidYouMean(name, tables)}" +
            $" (tables in '{database}': {(tables.Count == 0 ? "none" : string.Join(", ", tables))})";
    }

    /// <summary>
    /// The table's partitions (active and deprecated) whose values satisfy <paramref name="expression"/>, a SQL condition on partition
    /// keys only (Glue's GetPartitions expression), evaluated over the metastore's partition values before any file is touched.
    /// </summary>
    public static IReadOnlyList<CatalogPartition> PartitionsWhere(IMetastore store, CatalogTable table, string expression, string what)
    {
        var keys = table.Definition.PartitionKeys.Select(k => new Column(k.Name, k.Type)).ToList();
        PartitionPredicate.Check(expression, keys, table.QualifiedName, what);
        var partitions = store.Partitions(table.Database, table.Name);
        try
        {
            var indices = PartitionFilter.Keep(partitions.Select(p => p.Values).ToList(), keys, expression);
            return [.. partitions.Where((_, i) => indices.Contains(i))];
        }
        catch (DuckDB.NET.Data.DuckDBException e)
        {
            throw new CatalogException(expression, $"{what} '{expression}' of table '{table.QualifiedName}': {DuckDbErrors.Explain(e)}", e);
        }
    }

    /// <summary>A table already read from the metastore, as a source (see the other overload).</summary>
    public static FileSource Resolve(IMetastore store, CatalogTable table, string? predicate, bool listFiles = true, S3Options? s3 = null)
    {
        s3 = S3Uri.IsS3(table.Definition.Location) ? s3 ?? S3Options.FromEnvironment() : null;
        var (qualifiedName, database, name) = (table.QualifiedName, table.Database, table.Name);
        var definition = table.Definition;
        if (definition.Format is not ("parquet" or "csv" or "json"))
            throw new CatalogException(qualifiedName, $"table '{qualifiedName}' is a {definition.Format} table, read through its connection, not as files");
        var keys = definition.PartitionKeys.Select(k => new Column(k.Name, k.Type)).ToList();
        var partitions = store.Partitions(database, name).Where(p => p.State == PartitionState.Active).ToList();
        // A table registered with no partition keys and no partition (CreateTable through the Glue API) is its location's files.
        if (keys.Count == 0 && partitions.Count == 0 && (S3Uri.IsS3(definition.Location) || Directory.Exists(definition.Location)))
            partitions = [new CatalogPartition([], definition.Location, 0, 0, null, "")];
        var kept = partitions;
        if (predicate is not null)
        {
            PartitionPredicate.Check(predicate, keys, qualifiedName);
            HashSet<int> indices;
            try { indices = PartitionFilter.Keep(partitions.Select(p => p.Values).ToList(), keys, predicate); }
            catch (DuckDB.NET.Data.DuckDBException e)
            {
                throw new CatalogException(predicate, $"push_down_predicate '{predicate}' of table '{qualifiedName}': {DuckDbErrors.Explain(e)}", e);
            }
            kept = [.. partitions.Where((_, i) => indices.Contains(i))];
        }
        var files = listFiles
            ? Committed(definition.Location, kept.SelectMany(p => Files(p.Location, Values(p, keys), s3)), s3)
            : [.. kept.Select(p => new SourceFile(p.Location, p.Bytes, default, Values(p, keys)))];
        var format = FileFormats.Parse(definition.Format);
        var options = ReadOptions.From(definition.FormatOptions.Where(kv => ReadOptions.Keys.Contains(kv.Key)).ToDictionary())
            with { MergeSchema = format == FileFormat.Parquet };
        var fileColumns = definition.Columns.Select(c => new Column(c.Name, c.Type)).ToImmutableArray();
        return new FileSource(definition.Location, definition.Location, format, options, files, fileColumns, [.. keys])
        {
            S3 = s3,
            Catalog = new CatalogScan(qualifiedName, predicate, kept.Count, partitions.Count, Unlisted: !listFiles),
            PartitionsFromFolders = definition.Parameters.TryGetValue("partitioning", out var style) && style == "folders",
        };
    }

    /// <summary>A source with its partition folders listed into files (itself when already listed).</summary>
    public static FileSource Listed(FileSource source)
    {
        if (source.Catalog is not { Unlisted: true } scan) return source;
        var files = Committed(source.Root, source.Files.SelectMany(folder => Files(folder.Path, folder.PartitionValues, source.S3)), source.S3);
        return source with { Files = files, Catalog = scan with { Unlisted = false, PartitionsKept = source.Files.Length } };
    }

    /// <summary>A table's files as its location's manifest names them (see <see cref="FileListing.Committed"/>), in path order.</summary>
    private static ImmutableArray<SourceFile> Committed(string location, IEnumerable<SourceFile> files, S3Options? s3)
    {
        var root = location.TrimEnd('/') + "/";
        var all = files.ToList();
        var inside = all.Where(f => f.Path.StartsWith(root, StringComparison.Ordinal)).ToList();
        var listed = FileListing.Committed(location.TrimEnd('/'), inside, f => f.Path[root.Length..], s3);
        return [.. listed.Concat(all.Except(inside)).OrderBy(f => f.Path, StringComparer.Ordinal)];
    }

    private static ImmutableArray<KeyValuePair<string, string?>> Values(CatalogPartition partition, List<Column> keys) =>
        [.. keys.Select((k, i) => new KeyValuePair<string, string?>(k.Name, partition.Values[i]))];

    private static IEnumerable<SourceFile> Files(string folder, ImmutableArray<KeyValuePair<string, string?>> values, S3Options? s3)
    {
        if (S3Uri.IsS3(folder))
        {
            // The objects directly in the partition's "folder", as a local partition's files.
            var prefix = S3Uri.Parse(folder.TrimEnd('/'));
            var objects = new ObjectStore(s3!).List(prefix with { Key = prefix.Prefix })
                .Where(o => o.Uri.Key[prefix.Prefix.Length..] is var name && name.Length > 0 && !name.Contains('/') && !FolderLayout.IsIgnored(name))
                .ToList();
            if (objects.Count == 0)
                throw new SourceException(folder, $"partition '{folder}' holds no objects since the last crawl; crawl again, or prune it with a push-down predicate");
            foreach (var o in objects) yield return new SourceFile(o.Uri.ToString(), o.Size, o.ModifiedUtc, values);
            yield break;
        }
        if (!Directory.Exists(folder))
            throw new SourceException(folder, $"partition folder '{folder}' is gone since the last crawl; crawl again, or prune it with a push-down predicate");
        foreach (var file in new DirectoryInfo(folder).EnumerateFiles())
            if (!FolderLayout.IsIgnored(file.Name))
                yield return new SourceFile(file.FullName, file.Length, file.LastWriteTimeUtc, values);
    }
}

/// <summary>A push-down predicate: one SQL condition on partition columns only, checked before it touches the metastore's partitions.</summary>
internal static class PartitionPredicate
{
    public static void Check(string predicate, IReadOnlyList<Column> keys, string table, string? what = null)
    {
        var context = $"{what ?? "push_down_predicate"} '{predicate}' of table '{table}'";
        if (keys.Count == 0) throw new CatalogException(predicate, $"{context}: the table has no partition columns");
        SqlInspector.CheckNarrow($"SELECT * FROM input WHERE ({predicate})", context, expression: true);
        var json = SqlInspector.Serialize($"SELECT * FROM input WHERE ({predicate})");
        if (json.Contains("\"class\":\"SUBQUERY\"", StringComparison.Ordinal))
            throw new CatalogException(predicate, $"{context}: a subquery is not allowed in a push-down predicate");
        using var doc = JsonDocument.Parse(json);
        foreach (var name in ColumnNames(doc.RootElement))
            if (!keys.Any(k => string.Equals(k.Name, name, StringComparison.OrdinalIgnoreCase)))
                throw new CatalogException(name,
                    $"{context}: '{name}' is not a partition column; a push-down predicate may use only {string.Join(", ", keys.Select(k => k.Name))} (filter other columns after reading)");
    }

    private static IEnumerable<string> ColumnNames(JsonElement node)
    {
        if (node.ValueKind == JsonValueKind.Array)
        {
            foreach (var item in node.EnumerateArray())
                foreach (var n in ColumnNames(item)) yield return n;
        }
        else if (node.ValueKind == JsonValueKind.Object)
        {
            if (node.TryGetProperty("class", out var c) && c.ValueKind == JsonValueKind.String && c.GetString() == "COLUMN_REF")
                yield return node.GetProperty("column_names").EnumerateArray().Last().GetString()!;
            foreach (var property in node.EnumerateObject())
                foreach (var n in ColumnNames(property.Value)) yield return n;
        }
    }
}
