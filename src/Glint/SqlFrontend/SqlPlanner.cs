using System.Collections.Immutable;
using System.Text.Json.Nodes;
using Glint.Common;
using Glint.Engine;
using Glint.Plan;

namespace Glint.SqlFrontend;

/// <summary>
/// Plans a whole SELECT statement over named inputs into Glint's logical plan, so SQL runs in the
/// same stages, shuffles and tasks as the DataFrame API. DuckDB parses; expressions stay SQL.
/// </summary>
internal sealed partial class SqlPlanner
{
    /// <summary>A WITH entry, with the CTEs it may read (those before it).</summary>
    private sealed record CteDefinition(string Name, JsonObject Query, ImmutableArray<string> Aliases, ImmutableList<CteDefinition> Visible);

    /// <summary>A planned query: its relation, and whether it returns at most one row (per correlation key).</summary>
    private sealed record QueryResult(SqlRelation Relation, bool SingleRow);

    private readonly IReadOnlyDictionary<string, LogicalNode> tables;
    private readonly Func<string, string, LogicalNode?>? catalog;
    private readonly HashSet<string>? referenced;
    /// <summary>Columns of the inputs that no reference names, pruned from their scans: still listed when a name is mistyped.</summary>
    private readonly List<string> unread = [];
    private readonly Dictionary<SqlRelation, ScanColumns> scans = new(ReferenceEqualityComparer.Instance);
    private ImmutableList<CteDefinition> ctes = [];
    private readonly Dictionary<CteDefinition, SqlRelation> cteBodies = new(ReferenceEqualityComparer.Instance);
    private int counter;

    private SqlPlanner(IReadOnlyDictionary<string, LogicalNode> tables, HashSet<string>? referenced, Func<string, string, LogicalNode?>? catalog)
    {
        this.tables = tables;
        this.catalog = catalog;
        this.referenced = referenced;
    }

    /// <summary>The logical plan of <paramref name="sql"/>, reading only <paramref name="tables"/> (and catalog tables by db.table); its columns carry the query's output names.</summary>
    public static LogicalNode Plan(string sql, IReadOnlyDictionary<string, LogicalNode> tables, Func<string, string, LogicalNode?>? catalog = null)
    {
        var root = SqlTree.ParseQuery(sql);
        var byName = new Dictionary<string, LogicalNode>(tables, StringComparer.OrdinalIgnoreCase);
        var planner = new SqlPlanner(byName, ColumnUse.Referenced(root), catalog);
        var result = planner.PlanQuery(root, outer: null, correlation: null, top: true).Relation;
        return planner.Output(result);
    }

    /// <summary>Renames the plan's unique column names to the query's output names (made unique as DuckDB does, name_1, name_2…).</summary>
    private LogicalNode Output(SqlRelation relation)
    {
        var used = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        var items = new List<string>();
        foreach (var column in relation.Columns.Where(c => !c.Hidden))
        {
            var name = column.Name;
            for (var i = 1; !used.Add(name); i++) name = $"{column.Name}_{i}";
            items.Add($"{Sql.Ident(column.Internal)} AS {Sql.Ident(name)}");
        }
        return Binder.Project(relation.Plan, [.. items]);
    }

    private string Fresh(string name)
    {
        var stem = name.Length <= 40 && name.All(ch => char.IsLetterOrDigit(ch) || ch == '_') ? name : "_col";
        return $"{stem}#{++counter}";
    }

    private QueryResult PlanQuery(JsonObject node, SqlScope? outer, Correlation? correlation, bool top = false)
    {
        var saved = ctes;
        try
        {
            foreach (var entry in node["cte_map"]?["map"]?.AsArray() ?? [])
            {
                var value = entry!["value"]!;
                var aliases = value["aliases"]?.AsArray().Select(a => a!.GetValue<string>()).ToImmutableArray() ?? [];
                if (value["query"]!["node"]!["type"]?.GetValue<string>() == "RECURSIVE_CTE_NODE")
                    throw new PlanException($"SQL: WITH RECURSIVE ('{entry["key"]}') is not supported", entry["key"]!.GetValue<string>());
                ctes = ctes.Add(new CteDefinition(entry["key"]!.GetValue<string>(), value["query"]!["node"]!.AsObject(), aliases, ctes));
            }
            return SqlTree.Type(node) switch
            {
                "SELECT_NODE" => PlanSelect(node, outer, correlation, top),
                "SET_OPERATION_NODE" when correlation is null => PlanSetOperation(node, top),
                "SET_OPERATION_NODE" => throw new PlanException("SQL: a set operation (UNION/INTERSECT/EXCEPT) inside a correlated subquery is not supported", "subquery"),
                "RECURSIVE_CTE_NODE" => throw new PlanException("SQL: WITH RECURSIVE is not supported", "WITH RECURSIVE"),
                var other => throw new PlanException($"SQL: {other} queries are not supported", other ?? "query"),
            };
        }
        finally
        {
            ctes = saved;
        }
    }

    // ---- helpers that build plan nodes over relations ----

    private SqlRelation WithColumn(SqlRelation relation, string internalName, string sql)
    {
        var plan = Binder.WithColumn(relation.Plan, internalName, sql);
        return relation.Add(plan, new BoundColumn(null, internalName, internalName, plan.Schema.Require(internalName, "sql").Type) { Hidden = true });
    }

    private static SqlRelation Filter(SqlRelation relation, string condition) => relation.WithPlan(Binder.Filter(relation.Plan, condition));

    /// <summary>A projection whose items are (SQL, column it becomes).</summary>
    private static SqlRelation Project(SqlRelation relation, IReadOnlyList<(string Sql, BoundColumn Column)> items) =>
        new(Binder.Project(relation.Plan, [.. items.Select(i => $"{i.Sql} AS {Sql.Ident(i.Column.Internal)}")]), [.. items.Select(i => i.Column)]);

    /// <summary>Keeps only the named columns (in the relation's order).</summary>
    private static SqlRelation Keep(SqlRelation relation, IEnumerable<BoundColumn> columns)
    {
        var keep = columns.ToList();
        if (keep.Count == relation.Plan.Schema.Columns.Length) return relation with { Columns = [.. keep] };
        return Project(relation, [.. keep.Select(c => (Sql.Ident(c.Internal), c))]);
    }

    private static bool IsAggregateCall(JsonNode node) =>
        SqlTree.Class(node) == "FUNCTION" && SqlInspector.IsAggregate(SqlTree.Str(node, "function_name"));

    private static long? ConstantInteger(JsonNode? node) =>
        SqlTree.Class(node) == "CONSTANT" && node!["value"]?["is_null"]?.GetValue<bool>() == false &&
        node["value"]!["value"] is JsonValue v && v.TryGetValue<long>(out var n) ? n : null;
}
