using System.Collections.Frozen;
using System.Text.Json;
using Glint.Common;

namespace Glint.Engine;

/// <summary>
/// Reads SQL with DuckDB's own parser (json_serialize_sql) and refuses what a single partition
/// cannot compute alone: aggregates, windows, ordering, limits, DISTINCT, and reads of other tables.
/// </summary>
internal static class SqlInspector
{
    private static readonly Lazy<FrozenSet<string>> AggregateFunctions = new(() =>
        DuckDbInstances.OnDriver(c => c.Query(
                "SELECT DISTINCT function_name FROM duckdb_functions() WHERE function_type = 'aggregate' " +
                "EXCEPT SELECT function_name FROM duckdb_functions() WHERE function_type IN ('scalar', 'macro')"))
            .Select(r => ((string)r[0]!).ToLowerInvariant())
            .ToFrozenSet());

    /// <summary>Whether DuckDB knows <paramref name="function"/> only as an aggregate.</summary>
    public static bool IsAggregate(string function) => AggregateFunctions.Value.Contains(function.ToLowerInvariant());

    /// <summary>DuckDB's parse tree of a statement, as JSON (with "error" and "error_message" when it does not parse).</summary>
    public static string Serialize(string query) =>
        DuckDbInstances.OnDriver(c => (string)c.Query($"SELECT json_serialize_sql({Sql.Literal(query)})")[0][0]!);

    public static void CheckNarrow(string query, string context, bool expression)
    {
        var json = Serialize(query);
        using var doc = JsonDocument.Parse(json);
        var root = doc.RootElement;
        if (root.GetProperty("error").GetBoolean())
        {
            var message = root.TryGetProperty("error_message", out var m) ? m.GetString() : "syntax error";
            if (message is not null && message.StartsWith("Only SELECT", StringComparison.Ordinal))
                message = $"must be a single {(expression ? "expression" : "SELECT statement")}";
            throw new PlanException($"{context}: {message}", context);
        }
        var statements = root.GetProperty("statements");
        if (statements.GetArrayLength() != 1)
            throw new PlanException($"{context}: must be a single {(expression ? "expression" : "SELECT statement")}", context);
        var node = statements[0].GetProperty("node");
        // An expression must stay one expression: "x) UNION ALL SELECT … WHERE (y" or a WITH would be a statement of its own.
        if (expression && !IsPlainSelect(node))
            throw new PlanException($"{context}: must be a single expression", context);
        var problem = Find(node, Scope.Empty.Add("input"));
        if (problem is not null)
            throw new PlanException($"{context}: {problem} needs rows from more than one partition; " +
                (expression ? "it is not allowed here" : "map_sql runs on each partition separately") +
                " (aggregations, ordering and limits come with shuffles)", context);
    }

    private static bool IsPlainSelect(JsonElement node) =>
        node.TryGetProperty("type", out var t) && t.GetString() == "SELECT_NODE"
        && (!node.TryGetProperty("modifiers", out var m) || m.GetArrayLength() == 0)
        && (!node.TryGetProperty("cte_map", out var c) || !c.TryGetProperty("map", out var map) || map.GetArrayLength() == 0);

    /// <summary>The relations a part of the statement may read: 'input', and the CTEs in scope there.</summary>
    private static class Scope
    {
        public static readonly System.Collections.Immutable.ImmutableHashSet<string> Empty =
            System.Collections.Immutable.ImmutableHashSet.Create<string>(StringComparer.OrdinalIgnoreCase);
    }

    private static string? Find(JsonElement node, System.Collections.Immutable.ImmutableHashSet<string> tables)
    {
        switch (node.ValueKind)
        {
            case JsonValueKind.Array:
                foreach (var item in node.EnumerateArray())
                    if (Find(item, tables) is { } p) return p;
                return null;
            case JsonValueKind.Object:
                break;
            default:
                return null;
        }

        // A CTE is in scope after its definition: in later CTEs and the statement's body, never in its own body
        // (unless recursive) — so a CTE named like a file cannot make a read of that file look like a read of itself.
        if (node.TryGetProperty("cte_map", out var cteMap) && cteMap.TryGetProperty("map", out var map) && map.GetArrayLength() > 0)
        {
            var scope = tables;
            foreach (var entry in map.EnumerateArray())
            {
                var name = entry.GetProperty("key").GetString()!;
                var recursive = entry.TryGetProperty("value", out var v) && v.TryGetProperty("query", out var q)
                    && q.TryGetProperty("node", out var n) && n.TryGetProperty("type", out var nt) && nt.GetString() == "RECURSIVE_CTE_NODE";
                if (Find(entry.GetProperty("value"), recursive ? scope.Add(name) : scope) is { } p) return p;
                scope = scope.Add(name);
            }
            tables = scope;
        }

        var type = node.TryGetProperty("type", out var t) && t.ValueKind == JsonValueKind.String ? t.GetString() : null;
        var cls = node.TryGetProperty("class", out var c) && c.ValueKind == JsonValueKind.String ? c.GetString() : null;
        if (cls == "WINDOW") return $"the window function {Name(node)}";
        if (cls == "FUNCTION" && AggregateFunctions.Value.Contains(Name(node))) return $"the aggregate {Name(node)}()";
        if (cls == "FUNCTION" && node.TryGetProperty("distinct", out var d) && d.ValueKind == JsonValueKind.True)
            return $"{Name(node)}(DISTINCT …)";
        switch (type)
        {
            case "SELECT_NODE":
                if (NonEmpty(node, "group_expressions") || NonEmpty(node, "group_sets")) return "GROUP BY";
                if (NotNull(node, "having")) return "HAVING";
                if (NotNull(node, "qualify")) return "QUALIFY";
                break;
            case "ORDER_MODIFIER" when NonEmpty(node, "orders"): return "ORDER BY";
            case "LIMIT_MODIFIER" or "LIMIT_PERCENT_MODIFIER": return "LIMIT";
            case "DISTINCT_MODIFIER": return "DISTINCT";
            case "SET_OPERATION_NODE":
                var setop = node.TryGetProperty("setop_type", out var s) ? s.GetString() : "";
                var all = node.TryGetProperty("setop_all", out var a) && a.ValueKind == JsonValueKind.True;
                if (setop != "UNION" || !all) return $"{setop}{(all ? " ALL" : "")} (only UNION ALL is narrow)";
                break;
            case "BASE_TABLE":
                var table = node.GetProperty("table_name").GetString()!;
                if (!tables.Contains(table) || Qualified(node))
                    return $"reading table '{table}' (only the relation 'input' is available)";
                break;
            case "TABLE_FUNCTION":
                return "a table function in FROM";
        }

        foreach (var property in node.EnumerateObject())
            if (property.Name != "cte_map" && Find(property.Value, tables) is { } p) return p;
        return null;
    }

    /// <summary>A schema- or catalog-qualified name never means a CTE or 'input'.</summary>
    private static bool Qualified(JsonElement node) =>
        (node.TryGetProperty("schema_name", out var s) && s.GetString() is { Length: > 0 })
        || (node.TryGetProperty("catalog_name", out var c) && c.GetString() is { Length: > 0 });

    private static string Name(JsonElement node) =>
        node.TryGetProperty("function_name", out var n) ? n.GetString()!.ToLowerInvariant() : "?";

    private static bool NonEmpty(JsonElement node, string property) =>
        node.TryGetProperty(property, out var v) && v.ValueKind == JsonValueKind.Array && v.GetArrayLength() > 0;

    private static bool NotNull(JsonElement node, string property) =>
        node.TryGetProperty(property, out var v) && v.ValueKind != JsonValueKind.Null;
}
