using System.Collections.Immutable;
using System.Text.Json.Nodes;
using Glint.Common;
using Glint.Engine;

namespace Glint.Plan;

/// <summary>
/// Checks an aggregation and, when every aggregate is one call of a decomposable function
/// (count, sum, min, max, avg, bool_and, bool_or, count_if), splits it into partial aggregates
/// computed before the shuffle and final ones after it. Anything else shuffles every row.
/// </summary>
internal static class AggregateBinder
{
    /// <param name="Combines">merges partial columns into partial columns (the middle step of a salted, two-step aggregation)</param>
    private sealed record Parts(ImmutableArray<string> Partials, string Final, ImmutableArray<string> Combines);

    /// <summary>Two-step aggregation for hot keys: partial rows are spread over <paramref name="salt"/> random buckets first.</summary>
    public static AggregateNode Salted(AggregateNode node, int salt)
    {
        if (salt < 2) throw new PlanException($"group_by salt must be at least 2, not {salt}");
        if (node.Keys.IsEmpty) throw new PlanException("group_by salt needs keys: an aggregate without keys has nothing to spread");
        if (node.Split is null)
            throw new PlanException($"group_by salt needs aggregates that combine in steps (count, sum, min, max, avg, bool_and, bool_or, count_if); [{string.Join(", ", node.Aggregates)}] must see every row of a key at once");
        return node with { Salt = salt };
    }

    public static AggregateNode Bind(LogicalNode input, ImmutableArray<string> keys, ImmutableArray<string> aggregates)
    {
        var context = $"group_by [{string.Join(", ", keys)}] agg [{string.Join(", ", aggregates)}]";
        foreach (var key in keys) input.Schema.Require(key, "group_by");
        if (keys.Distinct(StringComparer.OrdinalIgnoreCase).Count() != keys.Length)
            throw new PlanException($"{context}: a key is listed twice");
        var columns = keys.Select(Sql.Ident).Concat(aggregates).ToImmutableArray();
        if (columns.IsEmpty) throw new PlanException("group_by: give keys or aggregates");
        var query = $"SELECT {string.Join(", ", columns)} FROM input" + (keys.IsEmpty ? "" : $" GROUP BY {Sql.SelectList(keys)}");
        var output = Binder.Describe($"WITH input AS ({Binder.EmptyRelation(input.Schema)}) {query}", context);
        return new AggregateNode(input, keys, aggregates, output, Split(keys, aggregates, output));
    }

    private static AggregateSplit? Split(ImmutableArray<string> keys, ImmutableArray<string> aggregates, Schema output)
    {
        var partial = keys.Select(Sql.Ident).ToList();
        var final = keys.Select(Sql.Ident).ToList();
        var combine = keys.Select(Sql.Ident).ToList();
        for (var i = 0; i < aggregates.Length; i++)
        {
            var parts = Decompose(aggregates[i], partial.Count);
            if (parts is null) return null;
            partial.AddRange(parts.Partials);
            combine.AddRange(parts.Combines);
            var column = output.Columns[keys.Length + i];
            final.Add($"CAST({parts.Final} AS {column.Type}) AS {Sql.Ident(column.Name)}");
        }
        return new AggregateSplit([.. partial], [.. final], [.. combine]);
    }

    /// <summary>The partial columns (named _p{n}) and final expression of one aggregate, or null if it must see all rows.</summary>
    private static Parts? Decompose(string aggregate, int next)
    {
        var json = SqlInspector.Serialize($"SELECT {aggregate} FROM input");
        var root = JsonNode.Parse(json)!;
        if (root["error"]!.GetValue<bool>()) return null;
        var node = root["statements"]![0]!["node"]!["select_list"]![0]!;
        if (node["class"]?.GetValue<string>() != "FUNCTION") return null;
        if (node["distinct"]?.GetValue<bool>() == true || node["filter"] is not null) return null;
        if (node["order_bys"]?["orders"] is JsonArray { Count: > 0 }) return null;
        var name = node["function_name"]!.GetValue<string>().ToLowerInvariant();
        var args = node["children"]!.AsArray();
        if (args.Count > 1) return null;
        string P(int k) => $"_p{next + k}";
        string Sum(int k) => $"sum({P(k)}) AS {P(k)}";
        if (name == "count_star") return new(["count(*) AS " + P(0)], $"coalesce(sum({P(0)}), 0)", [Sum(0)]);
        if (args.Count != 1) return null;
        var arg = Render(root, args[0]!);
        return name switch
        {
            "count" => new([$"count({arg}) AS {P(0)}"], $"coalesce(sum({P(0)}), 0)", [Sum(0)]),
            "count_if" or "countif" => new([$"count_if({arg}) AS {P(0)}"], $"coalesce(sum({P(0)}), 0)", [Sum(0)]),
            "sum" => new([$"sum({arg}) AS {P(0)}"], $"sum({P(0)})", [Sum(0)]),
            "min" or "max" or "bool_and" or "bool_or" => new([$"{name}({arg}) AS {P(0)}"], $"{name}({P(0)})", [$"{name}({P(0)}) AS {P(0)}"]),
            "avg" or "mean" => new([$"sum({arg}) AS {P(0)}", $"count({arg}) AS {P(1)}"], $"sum({P(0)}) / sum({P(1)})", [Sum(0), Sum(1)]),
            _ => null,
        };
    }

    /// <summary>An expression node back to SQL text, through DuckDB's own json_deserialize_sql.</summary>
    private static string Render(JsonNode root, JsonNode expression)
    {
        var copy = JsonNode.Parse(root.ToJsonString())!;
        var select = copy["statements"]![0]!["node"]!;
        select["select_list"] = new JsonArray(JsonNode.Parse(expression.ToJsonString()));
        var sql = DuckDbInstances.OnDriver(c => (string)c.Query($"SELECT json_deserialize_sql({Sql.Literal(copy.ToJsonString())})")[0][0]!);
        const string prefix = "SELECT ", suffix = " FROM \"input\"";
        return sql.StartsWith(prefix, StringComparison.Ordinal) && sql.EndsWith(suffix, StringComparison.Ordinal)
            ? sql[prefix.Length..^suffix.Length]
            : throw new PlanException($"cannot render the aggregate argument of '{sql}'");
    }
}
