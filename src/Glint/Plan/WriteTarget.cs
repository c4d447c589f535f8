using System.Collections.Immutable;
using Glint.Storage;

namespace Glint.Plan;

/// <summary>A folder to write: format, mode and Hive partition columns.</summary>
public sealed record WriteTarget(string Path, FileFormat Format, WriteMode Mode, ImmutableArray<string> PartitionBy)
{
    public override string ToString() =>
        $"{Format.ToString().ToLowerInvariant()} {Path} mode={Mode}" + (PartitionBy.IsEmpty ? "" : $" partition_by=[{string.Join(", ", PartitionBy)}]");
}
