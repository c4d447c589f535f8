using System.Collections.Immutable;
using Glint.Errors;

namespace Glint.Plan;

/// <summary>Plan-time checks of the operators that need a shuffle: joins, distinct, repartition.</summary>
internal static class WideBinder
{
    private static readonly string[] Numeric =
        ["TINYINT", "SMALLINT", "INTEGER", "BIGINT", "HUGEINT", "UTINYINT", "USMALLINT", "UINTEGER", "UBIGINT", "UHUGEINT", "FLOAT", "DOUBLE"];

    public static JoinNode Join(LogicalNode left, LogicalNode right, ImmutableArray<string> keys, JoinType type, bool broadcast)
    {
        var context = $"join {type.ToString().ToLowerInvariant()} on [{string.Join(", ", keys)}]";
        if (keys.IsEmpty) throw new PlanException($"{context}: give at least one key column present on both sides");
        foreach (var key in keys)
        {
            var l = left.Schema.Require(key, $"{context}, left side");
            var r = right.Schema.Require(key, $"{context}, right side");
            if (Family(l.Type) != Family(r.Type))
                throw new PlanException($"{context}: key '{key}' is {l.Type} on the left but {r.Type} on the right; cast one side first", key);
        }
        if (type is not (JoinType.Semi or JoinType.Anti))
        {
            var clash = left.Schema.Names.Intersect(right.Schema.Names, StringComparer.OrdinalIgnoreCase)
                .Where(n => !keys.Contains(n, StringComparer.OrdinalIgnoreCase)).ToList();
            if (clash.Count > 0)
                throw new PlanException(
                    $"{context}: columns [{string.Join(", ", clash)}] are on both sides and would be ambiguous after the join; rename or drop them on one side first",
                    clash[0]);
        }
        var query = "SELECT * FROM " + JoinNode.Clause(type,
            $"({Binder.EmptyRelation(left.Schema)}) AS l", $"({Binder.EmptyRelation(right.Schema)}) AS r", keys);
        return new JoinNode(left, right, type, keys, broadcast, Binder.Describe(query, context));
    }

    public static RepartitionNode Repartition(LogicalNode input, int partitions, ImmutableArray<string> keys)
    {
        if (partitions < 1) throw new PlanException($"repartition: the number of partitions must be at least 1, not {partitions}");
        foreach (var key in keys) input.Schema.Require(key, "repartition");
        return new RepartitionNode(input, partitions, keys);
    }

    private static string Family(string type)
    {
        if (Numeric.Contains(type) || type.StartsWith("DECIMAL", StringComparison.Ordinal)) return "number";
        if (type.StartsWith("TIMESTAMP", StringComparison.Ordinal) || type == "DATE") return "time";
        return type;
    }
}
