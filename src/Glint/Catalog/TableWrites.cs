using System.Collections.Immutable;
using Glint.Common;
using Glint.Storage;

namespace Glint.Catalog;

/// <summary>
/// Writing to a catalog table: before the run, the target is resolved and the schema checked
/// (additive evolution unless the table's parameter <c>schema_evolution</c> is <c>none</c>); after
/// the run commits, the table is created or evolved and the written partitions registered — a
/// failed run changes nothing in the catalog.
/// </summary>
internal static class TableWrites
{
    public const string EvolutionParameter = "schema_evolution";

    /// <summary>The write target for <paramref name="qualifiedName"/>: the existing table's location, format and partition keys, or a new table's.</summary>
    public static WriteTarget Resolve(IMetastore store, string qualifiedName, string? path, FileFormat? format, WriteMode? mode,
        ImmutableArray<string> partitionBy, Schema schema, string home)
    {
        var (database, name) = Split(qualifiedName);
        var table = store.FindTable(database, name);
        if (table is null)
        {
            var location = path is not null && Common.S3Uri.IsS3(path) ? path.TrimEnd('/') : Path.GetFullPath(path ?? Path.Combine(home, "warehouse", database, name));
            foreach (var key in partitionBy) schema.Require(key, $"table {qualifiedName} partition_by");
            return new WriteTarget(location, format ?? FileFormat.Parquet, mode ?? WriteMode.Append, partitionBy) { Table = new CatalogTarget(database, name) };
        }
        var definition = table.Definition;
        if (definition.Format is not ("parquet" or "csv" or "json"))
            throw new CatalogException(qualifiedName, $"table '{qualifiedName}' is a {definition.Format} table; Glint writes file tables only");
        var given = path is null ? null : Common.S3Uri.IsS3(path) ? path.TrimEnd('/') : Path.GetFullPath(path);
        if (given is not null && given != definition.Location)
            throw new CatalogException(qualifiedName, $"table '{qualifiedName}' lives at '{definition.Location}', not '{given}'; drop the path or the table");
        var tableFormat = FileFormats.Parse(definition.Format);
        if (format is { } f && f != tableFormat)
            throw new CatalogException(qualifiedName, $"table '{qualifiedName}' is {definition.Format}; cannot write {f.ToString().ToLowerInvariant()} into it");
        var keys = definition.PartitionKeys.Select(k => k.Name).ToImmutableArray();
        if (!partitionBy.IsEmpty && !partitionBy.SequenceEqual(keys, StringComparer.OrdinalIgnoreCase))
            throw new CatalogException(qualifiedName, $"table '{qualifiedName}' is partitioned by [{string.Join(", ", keys)}], not [{string.Join(", ", partitionBy)}]");
        CheckSchema(table, schema);
        return new WriteTarget(definition.Location, tableFormat, mode ?? WriteMode.Append, keys) { Table = new CatalogTarget(database, name) };
    }

    private static void CheckSchema(CatalogTable table, Schema schema)
    {
        var keys = table.Definition.PartitionKeys.Select(k => k.Name).ToHashSet(StringComparer.OrdinalIgnoreCase);
        foreach (var key in keys) schema.Require(key, $"table {table.QualifiedName} partition key");
        var written = schema.Columns.Where(c => !keys.Contains(c.Name)).Select(c => new CatalogColumn(c.Name, c.Type)).ToImmutableArray();
        var merged = SchemaMerge.Merge(table.Definition.Columns, written);
        if (merged.Incompatible.Count > 0)
            throw new CatalogException(table.QualifiedName, $"cannot write to table '{table.QualifiedName}': {string.Join("; ", merged.Incompatible)}");
        var added = written.Where(c => !table.Definition.Columns.Any(t => string.Equals(t.Name, c.Name, StringComparison.OrdinalIgnoreCase))).ToList();
        if (added.Count > 0 && table.Definition.Parameters.TryGetValue(EvolutionParameter, out var evolution) && evolution == "none")
            throw new CatalogException(table.QualifiedName,
                $"cannot write to table '{table.QualifiedName}': columns [{string.Join(", ", added.Select(a => a.Name))}] are new and the table's {EvolutionParameter} is none");
    }

    /// <summary>After the run committed: creates or evolves the table and registers the partitions its folder now holds.</summary>
    public static void Register(IMetastore store, WriteTarget target, Schema schema, Common.S3Options? s3 = null)
    {
        var (database, name) = (target.Table!.Database, target.Table.Name);
        var keys = target.PartitionBy;
        var columns = schema.Columns.Where(c => !keys.Contains(c.Name, StringComparer.OrdinalIgnoreCase)).Select(c => new CatalogColumn(c.Name, c.Type)).ToImmutableArray();
        var keyColumns = keys.Select(k => new CatalogColumn(k, schema.Require(k, "partition").Type)).ToImmutableArray();
        store.EnsureDatabase(database);
        for (var attempt = 1; ; attempt++)
        {
            var table = store.FindTable(database, name);
            try
            {
                if (table is null)
                    store.CreateTable(database, name, new TableDefinition(target.Path, target.Format.ToString().ToLowerInvariant(), ImmutableDictionary<string, string>.Empty,
                        columns, keyColumns, ImmutableDictionary<string, string>.Empty.Add("classification", target.Format.ToString().ToLowerInvariant()).Add("partitioning", "hive")));
                else if (SchemaMerge.Merge(table.Definition.Columns, columns) is { Changed: true } merged)
                    store.UpdateTable(table, table.Definition with { Columns = merged.Columns });
                break;
            }
            catch (ConcurrentUpdateException) when (attempt < 20) { }
            catch (CatalogException) when (table is null && attempt < 20) { } // created by another writer meanwhile
        }
        s3 ??= Common.S3Options.FromEnvironment();
        var manifest = Manifest.TryRead(target.Path, s3);
        var rows = manifest?.Files.GroupBy(f => Path.GetDirectoryName(f.Path) ?? "").ToDictionary(g => g.Key, g => g.Sum(f => f.Rows ?? 0));
        // The same walk for a folder and an s3:// prefix (listed once).
        using var tree = CrawlStore.Open(target.Path, s3);
        var partitions = Folders(tree, target.Path, keys.Length).Select(folder =>
        {
            var files = tree.Files(folder).ToImmutableArray();
            var relative = CrawlStore.Relative(target.Path, folder);
            ImmutableArray<string?> values = [.. HivePartitioning.Parse(target.Path, folder + "/file").Select(kv => kv.Value)];
            var discovered = new DiscoveredPartition(values, folder, files);
            long? rowCount = rows is not null && rows.TryGetValue(relative == "." ? "" : relative, out var r) ? r : null;
            return new CatalogPartition(values, folder, files.Length, files.Sum(f => f.Length), rowCount, discovered.Fingerprint());
        }).Where(p => p.FileCount > 0).ToList();
        var known = store.Partitions(database, name).ToDictionary(p => p.Key);
        store.PutPartitions(database, name, partitions.Where(p => !known.TryGetValue(p.Key, out var k) || k.Fingerprint != p.Fingerprint || k.State != PartitionState.Active));
        var now = partitions.Select(p => p.Key).ToHashSet();
        store.DeletePartitions(database, name, known.Values.Where(p => !now.Contains(p.Key)).Select(p => p.Values));
    }

    /// <summary>The partition folders <paramref name="depth"/> levels below the table's folder (the folder itself when unpartitioned).</summary>
    private static IEnumerable<string> Folders(CrawlStore tree, string root, int depth)
    {
        IEnumerable<string> level = tree.IsFolder(root) ? [root] : [];
        for (var i = 0; i < depth; i++)
            level = level.SelectMany(d => tree.Folders(d).Where(s => CrawlStore.Name(s).Contains('=')));
        return level.Order(StringComparer.Ordinal);
    }


    private static (string, string) Split(string qualifiedName)
    {
        var dot = qualifiedName.IndexOf('.');
        return dot > 0 && dot < qualifiedName.Length - 1 ? (qualifiedName[..dot], qualifiedName[(dot + 1)..])
            : throw new CatalogException(qualifiedName, $"name a catalog table as database.table, not '{qualifiedName}'");
    }
}
