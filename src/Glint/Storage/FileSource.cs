using System.Collections.Immutable;
using Glint.Common;

namespace Glint.Storage;

/// <summary>A resolved file source: its files, format, options and schema (file columns, then partition columns).</summary>
public sealed record FileSource(
    string Path,
    string Root,
    FileFormat Format,
    ReadOptions Options,
    ImmutableArray<SourceFile> Files,
    ImmutableArray<Column> FileColumns,
    ImmutableArray<Column> PartitionColumns)
{
    // Computed, not stored: a copy made with `with { PartitionColumns = … }` must not keep the old schema.
    public Schema Schema => Schema.Of(FileColumns.Concat(PartitionColumns));

    public long TotalBytes => Files.Sum(f => f.Length);

    /// <summary>Partition values come from each file's <see cref="SourceFile.PartitionValues"/>, not from key=value folder names (catalog tables partitioned by plain folders).</summary>
    public bool PartitionsFromFolders { get; init; }

    /// <summary>Set when the files are s3:// objects: how tasks reach them to download their split.</summary>
    public Common.S3Options? S3 { get; init; }

    /// <summary>Set when the source is a catalog table read by name.</summary>
    public Storage.CatalogScan? Catalog { get; init; }

    public override string ToString() => $"{Format.ToString().ToLowerInvariant()} {Path}" + (Catalog is null ? "" : $" ({Catalog})");
}
