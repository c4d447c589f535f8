using System.Collections.Immutable;
using Glint.Common;
using Glint.Plan;
using Glint.Storage;

namespace Glint.SqlFrontend;

/// <summary>The plan names a base table's partition columns were given, for pruning its files.</summary>
internal sealed record ScanColumns(ScanNode Scan, ImmutableDictionary<string, string> PartitionColumnOf);

/// <summary>
/// Partition pruning: a condition on Hive partition columns only is evaluated on the driver against
/// each distinct tuple of folder values, and files whose folders fail it are never listed into splits.
/// </summary>
internal static class PartitionPruner
{
    public static FileSource Prune(FileSource source, string condition, ImmutableDictionary<string, string> partitionColumnOf)
    {
        var columns = partitionColumnOf.ToList();
        ImmutableArray<string?> Tuple(SourceFile f) =>
            [.. columns.Select(c => f.PartitionValues.First(kv => string.Equals(kv.Key, c.Value, StringComparison.OrdinalIgnoreCase)).Value)];
        var tuples = source.Files.Select(Tuple).Distinct(new TupleComparer()).ToList();
        if (tuples.Count == 0) return source;
        var types = columns.Select(c => new Column(c.Key, source.Schema.Require(c.Value, "partition").Type)).ToList();
        var keep = PartitionFilter.Keep(tuples, types, condition).Select(i => tuples[i]).ToHashSet(new TupleComparer());
        var files = source.Files.Where(f => keep.Contains(Tuple(f))).ToImmutableArray();
        return source with
        {
            Files = files,
            Catalog = source.Catalog is { Unlisted: true } scan ? scan with { PartitionsKept = files.Length, Predicate = condition } : source.Catalog,
        };
    }

    private sealed class TupleComparer : IEqualityComparer<ImmutableArray<string?>>
    {
        public bool Equals(ImmutableArray<string?> x, ImmutableArray<string?> y) => x.SequenceEqual(y);
        public int GetHashCode(ImmutableArray<string?> obj) => obj.Aggregate(17, (h, v) => h * 31 + (v?.GetHashCode() ?? 0));
    }
}
