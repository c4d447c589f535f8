using System.Text.Json.Nodes;
using Glint.Common;

namespace Glint.SqlFrontend;

/// <summary>A scalar subquery found inside an expression, replaced there by a reference to <paramref name="Placeholder"/>.</summary>
internal sealed record PendingSubquery(JsonObject Query, string Placeholder, string Clause, JsonNode At);

/// <summary>
/// Resolves the column references of one expression against a scope, rewriting them to the plan's
/// unique column names. Scalar subqueries become placeholders that the planner joins in later.
/// </summary>
internal sealed class ExpressionBinder(SqlScope scope, string clause, Func<string, string> fresh)
{
    public List<PendingSubquery> Subqueries { get; } = [];
    /// <summary>Columns of the enclosing query that the expression names (a correlation).</summary>
    public HashSet<string> OuterRefs { get; } = [];
    /// <summary>Whether the enclosing query's columns may be named here.</summary>
    public bool AllowOuter { get; init; }
    /// <summary>Resolves what the scope does not know (select-list aliases in GROUP BY and ORDER BY).</summary>
    public Func<IReadOnlyList<string>, JsonNode?>? Fallback { get; init; }
    /// <summary>Input columns pruned because nothing names them (<c>alias.column</c>): listed with the scope's when a name is not found.</summary>
    public IReadOnlyList<string> Unread { get; init; } = [];

    public JsonNode Bind(JsonNode expression) => SqlTree.Transform(expression, Rewrite);

    private JsonNode? Rewrite(JsonNode node)
    {
        switch (SqlTree.Class(node))
        {
            case "COLUMN_REF":
                return Resolve(node);
            case "SUBQUERY":
                var kind = SqlTree.Str(node, "subquery_type");
                if (kind != "SCALAR")
                    throw new PlanException(
                        $"SQL: {(kind == "ANY" ? "IN (subquery)" : kind)} is supported only as a condition AND-ed into WHERE (found in {clause}{SqlTree.At(node)}); " +
                        "rewrite it as a join or move it to the WHERE clause", kind);
                var placeholder = fresh("_subquery");
                Subqueries.Add(new PendingSubquery(node["subquery"]!["node"]!.AsObject(), placeholder, clause, node));
                return SqlTree.ColumnRef(placeholder);
            case "STAR":
                throw new PlanException($"SQL: * is not allowed in {clause}{SqlTree.At(node)}", "*");
            case "LAMBDA":
                throw new PlanException($"SQL: lambda expressions are not supported ({clause}{SqlTree.At(node)})", "lambda");
            default:
                return null;
        }
    }

    private JsonNode Resolve(JsonNode node)
    {
        var parts = SqlTree.ColumnNames(node).ToList();
        var dotted = string.Join(".", parts);
        var at = $" in {clause}{SqlTree.At(node)}";
        var found = scope.TryResolve(parts, at);
        if (found is null)
        {
            if (Fallback?.Invoke(parts) is { } substitute) return substitute;
            var available = scope.Names().Concat(Unread).Distinct(StringComparer.OrdinalIgnoreCase).ToList();
            var names = available.Select(a => a[(a.LastIndexOf('.') + 1)..]);
            throw new PlanException(
                $"SQL: column '{dotted}' not found{at}{Suggestions.DidYouMean(parts[^1], names)} (columns: {string.Join(", ", available)})", dotted);
        }
        var (column, depth) = found.Value;
        if (depth > 0)
        {
            if (!AllowOuter || depth > 1)
                throw new PlanException(
                    $"SQL: correlated reference to '{dotted}'{at} is not supported; a subquery may name the enclosing query's columns only in its WHERE clause",
                    dotted);
            OuterRefs.Add(column.Internal);
        }
        return SqlTree.ColumnRef(column.Internal);
    }

    /// <summary>The plan column names a bound expression reads.</summary>
    public static HashSet<string> References(JsonNode bound) =>
        SqlTree.Descendants(bound).Where(n => SqlTree.Class(n) == "COLUMN_REF").Select(n => SqlTree.ColumnNames(n).Last()).ToHashSet();
}
