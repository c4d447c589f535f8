using System.Collections.Immutable;
using Glint.Execution;
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
        var tuples = source.Files
            .Select(f => columns.Select(c => f.PartitionValues.First(kv => string.Equals(kv.Key, c.Value, StringComparison.OrdinalIgnoreCase)).Value).ToImmutableArray())
            .Distinct(new TupleComparer())
            .ToList();
        if (tuples.Count == 0) return source;
        string Value(string? text, string column) =>
            text is null ? "NULL" : $"CAST({Sql.Literal(text)} AS {source.Schema.Require(column, "partition").Type})";
        var rows = tuples.Select((t, i) => $"({i}{string.Concat(t.Select((v, k) => ", " + Value(v, columns[k].Value)))})");
        var names = string.Join(", ", columns.Select(c => Sql.Ident(c.Key)));
        var query = $"SELECT i FROM (VALUES {string.Join(", ", rows)}) AS t(i, {names}) WHERE ({condition})";
        var keep = DuckDbInstances.OnDriver(c => c.Query(query)).Select(r => tuples[Convert.ToInt32(r[0])]).ToHashSet(new TupleComparer());
        var files = source.Files.Where(f => keep.Contains(
            columns.Select(c => f.PartitionValues.First(kv => string.Equals(kv.Key, c.Value, StringComparison.OrdinalIgnoreCase)).Value).ToImmutableArray()));
        return source with { Files = [.. files] };
    }

    private sealed class TupleComparer : IEqualityComparer<ImmutableArray<string?>>
    {
        public bool Equals(ImmutableArray<string?> x, ImmutableArray<string?> y) => x.SequenceEqual(y);
        public int GetHashCode(ImmutableArray<string?> obj) => obj.Aggregate(17, (h, v) => h * 31 + (v?.GetHashCode() ?? 0));
    }
}
