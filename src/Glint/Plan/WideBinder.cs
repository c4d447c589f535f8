using System.Collections.Immutable;
using System.Text.Json;
using Glint.Common;
using Glint.Engine;

namespace Glint.Plan;

/// <summary>Plan-time checks of the operators that need a shuffle: joins, distinct, repartition.</summary>
internal static class WideBinder
{
    private static readonly string[] Numeric =
        ["TINYINT", "SMALLINT", "INTEGER", "BIGINT", "HUGEINT", "UTINYINT", "USMALLINT", "UINTEGER", "UBIGINT", "UHUGEINT", "FLOAT", "DOUBLE"];

    public static JoinNode Join(LogicalNode left, LogicalNode right, ImmutableArray<string> keys, JoinType type, bool broadcast, string? residual = null)
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
        if (residual is not null)
        {
            context += $" and '{residual}'";
            SqlInspector.CheckNarrow($"SELECT * FROM input WHERE ({residual})", context, expression: true);
        }
        var query = JoinSql.Render(type, keys, residual, left.Schema, right.Schema,
            $"({Binder.EmptyRelation(left.Schema)})", $"({Binder.EmptyRelation(right.Schema)})");
        return new JoinNode(left, right, type, keys, broadcast, Binder.Describe(query, context)) { Residual = residual };
    }

    /// <summary>
    /// A join on keys named differently on each side (Glue's <c>Join.apply(frame1, frame2, keys1, keys2)</c>): both sides gain
    /// copies of their keys under shared names, the join uses those, and they are dropped again, so both sides' own key
    /// columns stay in the output with their own values (NULL on the side that did not match, as in Spark).
    /// </summary>
    public static LogicalNode Join(LogicalNode left, LogicalNode right, ImmutableArray<string> leftKeys, ImmutableArray<string> rightKeys,
        JoinType type, bool broadcast, string? residual = null)
    {
        if (leftKeys.Length != rightKeys.Length || leftKeys.IsEmpty)
            throw new PlanException($"join {type.ToString().ToLowerInvariant()}: give as many left keys as right keys, at least one (left [{string.Join(", ", leftKeys)}], right [{string.Join(", ", rightKeys)}])");
        if (leftKeys.SequenceEqual(rightKeys, StringComparer.OrdinalIgnoreCase)) return Join(left, right, leftKeys, type, broadcast, residual);
        var context = $"join {type.ToString().ToLowerInvariant()} on left [{string.Join(", ", leftKeys)}] = right [{string.Join(", ", rightKeys)}]";
        var shared = leftKeys.Select((_, i) => $"__join_key_{i}").ToImmutableArray();
        LogicalNode WithKeys(LogicalNode side, ImmutableArray<string> keys, string which) => Binder.Project(side,
            [.. side.Schema.Names.Select(Sql.Ident), .. keys.Select((k, i) => $"{Sql.Ident(side.Schema.Require(k, $"{context}, {which} side").Name)} AS {Sql.Ident(shared[i])}")]);
        foreach (var (l, r) in leftKeys.Zip(rightKeys))
        {
            var (lt, rt) = (left.Schema.Require(l, $"{context}, left side").Type, right.Schema.Require(r, $"{context}, right side").Type);
            if (Family(lt) != Family(rt))
                throw new PlanException($"{context}: key '{l}' is {lt} on the left but '{r}' is {rt} on the right; cast one side first", l);
        }
        var join = Join(WithKeys(left, leftKeys, "left"), WithKeys(right, rightKeys, "right"), shared, type, broadcast, residual);
        return Binder.Project(join, [.. join.Schema.Names.Where(n => !shared.Contains(n)).Select(Sql.Ident)]);
    }

    public static JoinNode Salted(JoinNode join, int buckets, ImmutableArray<string> hotKeys)
    {
        var context = $"join salt on [{string.Join(", ", join.Keys)}]";
        if (join.Keys.Length != 1) throw new PlanException($"{context}: salting needs exactly one join key");
        if (buckets < 2) throw new PlanException($"{context}: salt buckets must be at least 2, not {buckets}");
        if (hotKeys.IsEmpty) throw new PlanException($"{context}: name the hot key values to spread");
        if (join.Type is JoinType.Right or JoinType.Full)
            throw new PlanException($"{context}: a {join.Type.ToString().ToLowerInvariant()} join cannot be salted (the copied right rows would appear once per salt when unmatched); salt inner, left, semi or anti joins");
        return join with { Salt = new JoinSalt(buckets, hotKeys) };
    }

    /// <summary>Sort keys such as "amount DESC", "day", "note ASC NULLS FIRST" (plain columns; compute expressions first).</summary>
    public static SortNode Sort(LogicalNode input, IEnumerable<string> items, bool global)
    {
        var keys = ImmutableArray.CreateBuilder<SortKey>();
        foreach (var item in items)
        {
            var words = item.Split(' ', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
            if (words.Length == 0) throw new PlanException("order_by: an empty sort key");
            var column = input.Schema.Require(words[0].Trim('"'), "order_by").Name;
            var rest = string.Join(' ', words.Skip(1)).ToUpperInvariant();
            var descending = rest.StartsWith("DESC", StringComparison.Ordinal);
            var direction = rest.StartsWith("DESC", StringComparison.Ordinal) ? "DESC" : rest.StartsWith("ASC", StringComparison.Ordinal) ? "ASC" : "";
            var nulls = rest[direction.Length..].Trim();
            if (nulls is not ("" or "NULLS FIRST" or "NULLS LAST"))
                throw new PlanException($"order_by: '{item}' must be '<column> [ASC|DESC] [NULLS FIRST|NULLS LAST]'", item);
            keys.Add(new SortKey(column, descending, nulls == "NULLS FIRST"));
        }
        if (keys.Count == 0) throw new PlanException("order_by: give at least one column");
        return new SortNode(input, keys.ToImmutable(), global);
    }

    public static RepartitionNode Repartition(LogicalNode input, int partitions, ImmutableArray<string> keys)
    {
        if (partitions < 1) throw new PlanException($"repartition: the number of partitions must be at least 1, not {partitions}");
        foreach (var key in keys) input.Schema.Require(key, "repartition");
        return new RepartitionNode(input, partitions, keys);
    }

    /// <summary>
    /// Window columns such as "row_number() OVER (PARTITION BY customer ORDER BY ts) AS rn". The shuffle
    /// keys are the plain columns every window partitions by, so each window sees whole partitions.
    /// </summary>
    public static WindowNode Window(LogicalNode input, ImmutableArray<string> columns)
    {
        var context = $"window [{string.Join(", ", columns)}]";
        if (columns.IsEmpty) throw new PlanException("window: give at least one window expression");
        HashSet<string>? common = null;
        foreach (var column in columns)
        {
            var json = SqlInspector.Serialize($"SELECT {column} FROM input");
            using var doc = JsonDocument.Parse(json);
            if (doc.RootElement.GetProperty("error").GetBoolean())
                throw new PlanException($"{context}: '{column}': {doc.RootElement.GetProperty("error_message").GetString()}", column);
            var windows = new List<JsonElement>();
            Collect(doc.RootElement.GetProperty("statements"), windows);
            if (windows.Count == 0)
                throw new PlanException($"{context}: '{column}' has no OVER (…) clause; use with_columns for ordinary columns", column);
            foreach (var window in windows)
            {
                var keys = window.GetProperty("partitions").EnumerateArray()
                    .Where(p => p.GetProperty("class").GetString() == "COLUMN_REF")
                    .Select(p => p.GetProperty("column_names").EnumerateArray().Last().GetString()!)
                    .ToHashSet(StringComparer.OrdinalIgnoreCase);
                if (common is null) common = keys; else common.IntersectWith(keys);
            }
        }
        var shuffleKeys = input.Schema.Names.Where(n => common!.Contains(n)).ToImmutableArray();
        var output = Binder.Describe($"WITH input AS ({Binder.EmptyRelation(input.Schema)}) SELECT *, {string.Join(", ", columns)} FROM input", context);
        return new WindowNode(input, columns, shuffleKeys, output);
    }

    private static void Collect(JsonElement node, List<JsonElement> windows)
    {
        if (node.ValueKind == JsonValueKind.Array)
            foreach (var item in node.EnumerateArray()) Collect(item, windows);
        else if (node.ValueKind == JsonValueKind.Object)
        {
            if (node.TryGetProperty("class", out var c) && c.ValueKind == JsonValueKind.String && c.GetString() == "WINDOW")
                windows.Add(node.Clone());
            foreach (var property in node.EnumerateObject()) Collect(property.Value, windows);
        }
    }

    internal static string Family(string type)
    {
        if (Numeric.Contains(type) || type.StartsWith("DECIMAL", StringComparison.Ordinal)) return "number";
        if (type.StartsWith("TIMESTAMP", StringComparison.Ordinal) || type == "DATE") return "time";
        return type;
    }
}
