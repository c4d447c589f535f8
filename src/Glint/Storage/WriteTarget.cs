using System.Collections.Immutable;

namespace Glint.Storage;

/// <summary>A catalog table a write registers into once the run commits.</summary>
public sealed record CatalogTarget(string Database, string Name)
{
    public override string ToString() => $"{Database}.{Name}";
}

/// <summary>A folder to write: format, mode and Hive partition columns.</summary>
public sealed record WriteTarget(string Path, FileFormat Format, WriteMode Mode, ImmutableArray<string> PartitionBy)
{
    /// <summary>The catalog table this folder is the location of, when written as a table.</summary>
    public CatalogTarget? Table { get; init; }

    public override string ToString() =>
        $"{Format.ToString().ToLowerInvariant()} {Path} mode={Mode}" + (PartitionBy.IsEmpty ? "" : $" partition_by=[{string.Join(", ", PartitionBy)}]") +
        (Table is null ? "" : $" table={Table}");
}
