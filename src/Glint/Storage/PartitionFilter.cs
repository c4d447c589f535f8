using System.Collections.Immutable;
using Glint.Common;
using Glint.Engine;

namespace Glint.Storage;

/// <summary>Evaluates a condition on partition columns against partition values on the driver, with DuckDB, before any file is listed or read.</summary>
internal static class PartitionFilter
{
    private const char Separator = '\u001f', Null = '\u001e';

    /// <summary>Indices of the value tuples (one value per column, as text; null for NULL) for which <paramref name="condition"/> is true.</summary>
    public static HashSet<int> Keep(IReadOnlyList<ImmutableArray<string?>> tuples, IReadOnlyList<Column> columns, string condition)
    {
        if (tuples.Count == 0) return [];
        // Each column's values travel as one string literal split inside DuckDB: parsing one literal is far
        // cheaper than parsing a VALUES list of thousands of rows (10,000 partitions: ~10 ms instead of ~130 ms).
        if (tuples.Any(t => t.Any(v => v is not null && (v.Contains(Separator) || v.Contains(Null)))))
            return KeepByValues(tuples, columns, condition);
        var unnests = columns.Select((c, k) =>
        {
            var joined = string.Join(Separator, tuples.Select(t => t[k] ?? Null.ToString()));
            return $"unnest(string_split({Sql.Literal(joined)}, chr(31))) AS v{k}";
        });
        var typed = columns.Select((c, k) => $"TRY_CAST(nullif(v{k}, chr(30)) AS {c.Type}) AS {Sql.Ident(c.Name)}");
        var query = $"WITH raw AS (SELECT unnest(range({tuples.Count})) AS i, {string.Join(", ", unnests)}), " +
                    $"t AS (SELECT i, {string.Join(", ", typed)} FROM raw) SELECT i FROM t WHERE ({condition})";
        return DuckDbInstances.OnDriver(c => c.Query(query)).Select(r => Convert.ToInt32(r[0])).ToHashSet();
    }

    private static HashSet<int> KeepByValues(IReadOnlyList<ImmutableArray<string?>> tuples, IReadOnlyList<Column> columns, string condition)
    {
        var rows = tuples.Select((t, i) =>
            $"({i}{string.Concat(t.Select((v, k) => ", " + (v is null ? "NULL" : $"TRY_CAST({Sql.Literal(v)} AS {columns[k].Type})")))})");
        var names = string.Join(", ", columns.Select(c => Sql.Ident(c.Name)));
        var query = $"SELECT i FROM (VALUES {string.Join(", ", rows)}) AS t(i, {names}) WHERE ({condition})";
        return DuckDbInstances.OnDriver(c => c.Query(query)).Select(r => Convert.ToInt32(r[0])).ToHashSet();
    }
}
