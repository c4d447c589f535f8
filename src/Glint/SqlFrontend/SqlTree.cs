using System.Text.Json.Nodes;
using Glint.Common;
using Glint.Engine;

namespace Glint.SqlFrontend;

/// <summary>
/// DuckDB's statement tree (json_serialize_sql) as JsonNodes: parsing, walking, and rendering an
/// expression back to SQL text with json_deserialize_sql, so every DuckDB function keeps working.
/// </summary>
internal static class SqlTree
{
    /// <summary>The query node of a single SELECT statement; anything else is refused.</summary>
    public static JsonObject ParseQuery(string sql)
    {
        var root = JsonNode.Parse(SqlInspector.Serialize(sql))!.AsObject();
        if (root["error"]!.GetValue<bool>())
        {
            var message = root["error_message"]?.GetValue<string>() ?? "syntax error";
            if (message.StartsWith("Only SELECT", StringComparison.Ordinal))
                throw new PlanException($"SQL: only a SELECT statement (or WITH … SELECT) can run; '{FirstWord(sql)}' statements are refused — SQL in Glint reads the declared inputs and writes nothing", FirstWord(sql));
            throw new PlanException($"SQL: {Clean(message)}", "sql");
        }
        var statements = root["statements"]!.AsArray();
        if (statements.Count != 1)
            throw new PlanException($"SQL: give exactly one SELECT statement, not {statements.Count}", "sql");
        return statements[0]!["node"]!.AsObject();
    }

    private static string FirstWord(string sql) =>
        sql.TrimStart().Split((char[])[' ', '\n', '\t', '\r', '('], 2)[0].ToUpperInvariant();

    private static string Clean(string message) =>
        message.Split('\n', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries)
            .TakeWhile(l => !l.StartsWith("LINE ", StringComparison.Ordinal))
            .Aggregate("", (a, b) => a.Length == 0 ? b : a + " " + b)
            .Replace("Parser Error: ", "");

    /// <summary>SQL text of one expression (its alias dropped).</summary>
    public static string Render(JsonNode expression)
    {
        var copy = expression.DeepClone();
        copy["alias"] = "";
        var wrapper = new JsonObject
        {
            ["error"] = false,
            ["statements"] = new JsonArray(new JsonObject
            {
                ["node"] = new JsonObject
                {
                    ["type"] = "SELECT_NODE",
                    ["modifiers"] = new JsonArray(),
                    ["cte_map"] = new JsonObject { ["map"] = new JsonArray() },
                    ["select_list"] = new JsonArray(copy),
                    ["from_table"] = new JsonObject { ["type"] = "EMPTY", ["alias"] = "", ["sample"] = null, ["query_location"] = 0 },
                    ["where_clause"] = null,
                    ["group_expressions"] = new JsonArray(),
                    ["group_sets"] = new JsonArray(),
                    ["aggregate_handling"] = "STANDARD_HANDLING",
                    ["having"] = null,
                    ["sample"] = null,
                    ["qualify"] = null,
                },
                ["named_param_map"] = new JsonArray(),
            }),
        };
        var sql = DuckDbInstances.OnDriver(c => (string)c.Query($"SELECT json_deserialize_sql({Sql.Literal(wrapper.ToJsonString())})")[0][0]!);
        const string prefix = "SELECT ";
        return sql.StartsWith(prefix, StringComparison.Ordinal)
            ? sql[prefix.Length..]
            : throw new PlanException($"SQL: cannot render the expression '{sql}'");
    }

    /// <summary>A form of an expression that ignores where it was written, for matching GROUP BY expressions.</summary>
    public static string Canonical(JsonNode expression)
    {
        var copy = expression.DeepClone();
        Strip(copy);
        return copy.ToJsonString();

        static void Strip(JsonNode? node)
        {
            switch (node)
            {
                case JsonObject o:
                    o.Remove("query_location");
                    o.Remove("alias");
                    foreach (var (_, v) in o) Strip(v);
                    break;
                case JsonArray a:
                    foreach (var v in a) Strip(v);
                    break;
            }
        }
    }

    public static string? Class(JsonNode? node) => node is JsonObject o && o["class"] is JsonValue v ? v.GetValue<string>() : null;
    public static string? Type(JsonNode? node) => node is JsonObject o && o["type"] is JsonValue v ? v.GetValue<string>() : null;
    public static string Str(JsonNode? node, string property) => node?[property] is JsonValue v ? v.GetValue<string>() : "";

    /// <summary>Where an expression was written, for error messages.</summary>
    public static string At(JsonNode? node) =>
        node?["query_location"] is JsonValue v && v.TryGetValue<ulong>(out var at) && at < 1_000_000 ? $" at character {at + 1}" : "";

    public static JsonObject ColumnRef(string name) => new()
    {
        ["class"] = "COLUMN_REF",
        ["type"] = "COLUMN_REF",
        ["alias"] = "",
        ["query_location"] = 0,
        ["column_names"] = new JsonArray(name),
    };

    public static IEnumerable<string> ColumnNames(JsonNode columnRef) =>
        columnRef["column_names"]!.AsArray().Select(n => n!.GetValue<string>());

    /// <summary>The AND-ed parts of a condition.</summary>
    public static IEnumerable<JsonNode> Conjuncts(JsonNode? condition)
    {
        if (condition is null) yield break;
        if (Class(condition) == "CONJUNCTION" && Type(condition) == "CONJUNCTION_AND")
        {
            foreach (var child in condition["children"]!.AsArray())
                foreach (var part in Conjuncts(child))
                    yield return part;
        }
        else yield return condition;
    }

    /// <summary>Rebuilds a tree top-down: where <paramref name="replace"/> returns a node, that node stands instead (and is not descended into).</summary>
    public static JsonNode Transform(JsonNode node, Func<JsonNode, JsonNode?> replace)
    {
        if (replace(node) is { } replaced) return replaced;
        switch (node)
        {
            case JsonObject o:
                var result = new JsonObject();
                foreach (var (key, value) in o)
                    result[key] = value is null ? null : Transform(value, replace);
                return result;
            case JsonArray a:
                return new JsonArray(a.Select(v => v is null ? null : Transform(v, replace)).ToArray());
            default:
                return node.DeepClone();
        }
    }

    /// <summary>Every expression node below (and including) <paramref name="node"/>, not descending into subqueries.</summary>
    public static IEnumerable<JsonNode> Descendants(JsonNode node) => Children(node).SelectMany(Descendants).Prepend(node);

    /// <summary>The outermost nodes that match, not descending into matches or subqueries.</summary>
    public static IEnumerable<JsonNode> Outermost(JsonNode node, Func<JsonNode, bool> match)
    {
        if (match(node))
        {
            yield return node;
            yield break;
        }
        foreach (var child in Children(node))
            foreach (var m in Outermost(child, match))
                yield return m;
    }

    private static IEnumerable<JsonNode> Children(JsonNode node)
    {
        if (Class(node) == "SUBQUERY") return [];
        IEnumerable<JsonNode?> children = node switch
        {
            JsonObject o => o.Select(kv => kv.Value),
            JsonArray a => a,
            _ => [],
        };
        return children.OfType<JsonNode>();
    }
}
