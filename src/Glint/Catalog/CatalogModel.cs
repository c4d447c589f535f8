using System.Collections.Immutable;

namespace Glint.Catalog;

/// <summary>A namespace of tables, as a Glue database.</summary>
public sealed record CatalogDatabase(string Name, string Description, DateTimeOffset Created);

/// <summary>A column of a table or a partition key: name, DuckDB type, optional comment.</summary>
public sealed record CatalogColumn(string Name, string Type, string? Comment = null);

/// <summary>What a table is: where its files are, their format, its columns and partition keys. Each change is a new table version.</summary>
public sealed record TableDefinition(
    string Location,
    string Format,
    ImmutableDictionary<string, string> FormatOptions,
    ImmutableArray<CatalogColumn> Columns,
    ImmutableArray<CatalogColumn> PartitionKeys,
    ImmutableDictionary<string, string> Parameters)
{
    public static TableDefinition Create(string location, string format, IEnumerable<CatalogColumn> columns, IEnumerable<CatalogColumn>? partitionKeys = null) =>
        new(location, format, ImmutableDictionary<string, string>.Empty, [.. columns], [.. partitionKeys ?? []], ImmutableDictionary<string, string>.Empty);

    /// <summary>Same schema, location and format (parameters may differ).</summary>
    public bool SameShape(TableDefinition other) =>
        Location == other.Location && Format == other.Format && Columns.SequenceEqual(other.Columns) &&
        PartitionKeys.SequenceEqual(other.PartitionKeys) && FormatOptions.Count == other.FormatOptions.Count &&
        FormatOptions.All(kv => other.FormatOptions.TryGetValue(kv.Key, out var v) && v == kv.Value);
}

/// <summary>A table of the catalog at one version.</summary>
public sealed record CatalogTable(string Database, string Name, TableDefinition Definition, long Version, DateTimeOffset Created, DateTimeOffset Updated)
{
    public string QualifiedName => $"{Database}.{Name}";
}

/// <summary>One earlier (or the current) definition of a table.</summary>
public sealed record TableVersion(long Version, TableDefinition Definition, DateTimeOffset Created);

/// <summary>Active partitions are read; deprecated ones vanished from storage and are kept for the record (crawler deletion policy).</summary>
public enum PartitionState { Active, Deprecated }

/// <summary>
/// A partition: its values (one per partition key, as text, null for Hive's default partition),
/// its folder, what it held when last crawled, and a fingerprint of its files to notice changes.
/// </summary>
public sealed record CatalogPartition(ImmutableArray<string?> Values, string Location, long FileCount, long Bytes, long? Rows, string Fingerprint,
    PartitionState State = PartitionState.Active)
{
    public string Key => System.Text.Json.JsonSerializer.Serialize(Values);
}
