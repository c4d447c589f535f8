using System.Collections.Immutable;
using Glint.Execution;
using Glint.Plan;

namespace Glint.Storage;

/// <summary>Evaluates a condition on partition columns against partition values on the driver, with DuckDB, before any file is listed or read.</summary>
public static class PartitionFilter
{
    /// <summary>Indices of the value tuples (one value per column, as text; null for NULL) for which <paramref name="condition"/> is true.</summary>
    public static HashSet<int> Keep(IReadOnlyList<ImmutableArray<string?>> tuples, IReadOnlyList<Column> columns, string condition)
    {
        var kept = new HashSet<int>();
        const int batch = 2000;
        for (var start = 0; start < tuples.Count; start += batch)
        {
            var rows = tuples.Skip(start).Take(batch).Select((t, i) =>
                $"({start + i}{string.Concat(t.Select((v, k) => ", " + (v is null ? "NULL" : $"TRY_CAST({Sql.Literal(v)} AS {columns[k].Type})")))})");
            var names = string.Join(", ", columns.Select(c => Sql.Ident(c.Name)));
            var query = $"SELECT i FROM (VALUES {string.Join(", ", rows)}) AS t(i, {names}) WHERE ({condition})";
            foreach (var row in DuckDbInstances.OnDriver(c => c.Query(query))) kept.Add(Convert.ToInt32(row[0]));
        }
        return kept;
    }
}
