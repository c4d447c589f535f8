using System.Collections.Immutable;
using System.Text.Json.Nodes;
using Glint.Common;
using Glint.Plan;

namespace Glint.SqlFrontend;

internal sealed partial class SqlPlanner
{
    /// <summary>
    /// GROUP BY: key expressions become columns, each distinct aggregate call one aggregate column
    /// (so sum(a) / sum(b) still aggregates partially before the shuffle). ROLLUP, CUBE and GROUPING
    /// SETS are one aggregate per grouping set, unioned. Returns the substitution that rewrites later
    /// clauses in terms of the aggregate's columns.
    /// </summary>
    private (SqlRelation, Func<JsonNode, string, JsonNode>) Aggregate(
        JsonObject node, SqlRelation relation, SqlScope scope, List<SelectItem> items,
        Dictionary<string, (JsonNode Call, string Internal)> aggregates, Correlation? correlation,
        Dictionary<string, BoundColumn> preAggregate, Func<IReadOnlyList<string>, JsonNode?> alias, IEnumerable<JsonNode?> clauses)
    {
        var groupKeys = new List<(string Canonical, string Internal)>();
        foreach (var g in node["group_expressions"]!.AsArray())
        {
            JsonNode bound;
            if (ConstantInteger(g) is { } k)
            {
                if (k < 1 || k > items.Count)
                    throw new PlanException($"SQL: GROUP BY {k}{SqlTree.At(g)} is out of range; the select list has {items.Count} items", "GROUP BY");
                bound = items[(int)k - 1].Bound.DeepClone();
            }
            else
            {
                var binder = new ExpressionBinder(scope, "GROUP BY", Fresh) { Unread = unread, Fallback = alias };
                bound = binder.Bind(g!);
                if (binder.Subqueries.Count > 0) throw new PlanException($"SQL: a subquery in GROUP BY{SqlTree.At(g)} is not supported", "GROUP BY");
            }
            if (SqlTree.Outermost(bound, IsAggregateCall).Any())
                throw new PlanException($"SQL: GROUP BY{SqlTree.At(g)} cannot contain an aggregate", "GROUP BY");
            var canonical = SqlTree.Canonical(bound);
            var existing = groupKeys.FirstOrDefault(x => x.Canonical == canonical).Internal;
            string name;
            if (existing is not null) name = existing;
            else if (SqlTree.Class(bound) == "COLUMN_REF") name = SqlTree.ColumnNames(bound).Last();
            else
            {
                name = Fresh("_group");
                relation = WithColumn(relation, name, SqlTree.Render(bound));
            }
            groupKeys.Add((canonical, name));
        }
        var extra = correlation?.Keys.Select(k => k.Key).ToList() ?? [];
        var keyNames = groupKeys.Select(k => k.Internal).Distinct().ToList();
        var specs = aggregates.Values.Select(a => $"{SqlTree.Render(a.Call)} AS {Sql.Ident(a.Internal)}").ToImmutableArray();
        var sets = node["group_sets"]!.AsArray()
            .Select(set => set!.AsArray().Select(i => groupKeys[i!.GetValue<int>()].Internal).Distinct().ToList()).ToList();

        var groupings = new Dictionary<string, (JsonNode Call, string Internal)>();
        foreach (var clause in clauses.Concat(items.Select(i => i.Bound)))
            if (clause is not null)
                foreach (var call in SqlTree.Outermost(clause, n => SqlTree.Type(n) == "GROUPING_FUNCTION"))
                    groupings.TryAdd(SqlTree.Canonical(call), (call, Fresh("_grouping")));
        var keyOf = groupKeys.GroupBy(k => k.Canonical).ToDictionary(g => g.Key, g => g.First().Internal);

        LogicalNode plan;
        if (sets.Count <= 1 && groupings.Count == 0)
            plan = AggregateBinder.Bind(relation.Plan, [.. keyNames, .. extra], specs);
        else
        {
            if (extra.Count > 0) throw new PlanException("SQL: GROUPING SETS, ROLLUP or CUBE in a correlated subquery is not supported", "GROUPING SETS");
            if (sets.Count == 0) sets.Add(keyNames);
            var branches = sets.Select(set =>
            {
                var branch = AggregateBinder.Bind(relation.Plan, [.. set], specs);
                var columns = keyNames.Select(k => set.Contains(k) ? Sql.Ident(k) : $"CAST(NULL AS {relation.TypeOf(k)}) AS {Sql.Ident(k)}")
                    .Concat(aggregates.Values.Select(a => Sql.Ident(a.Internal)))
                    .Concat(groupings.Values.Select(g => $"{GroupingValue(g.Call, set, keyOf)} AS {Sql.Ident(g.Internal)}"));
                return (LogicalNode)Binder.Project(branch, [.. columns]);
            }).ToImmutableArray();
            plan = branches.Length == 1 ? branches[0] : Binder.Union(branches);
        }
        var result = new SqlRelation(plan, [
            .. keyNames.Select(k => preAggregate.TryGetValue(k, out var c) ? c : new BoundColumn(null, k, k, relation.TypeOf(k)) { Hidden = true }),
            .. extra.Select(k => new BoundColumn(null, k, k, relation.TypeOf(k)) { Hidden = true }),
            .. aggregates.Values.Select(a => new BoundColumn(null, a.Internal, a.Internal, "") { Hidden = true }),
            .. groupings.Values.Select(g => new BoundColumn(null, g.Internal, g.Internal, "INTEGER") { Hidden = true }),
        ]);

        var grouped = keyNames.Concat(extra).ToHashSet();
        JsonNode Substitute(JsonNode expression, string clause) => SqlTree.Transform(expression, n =>
        {
            if (SqlTree.Class(n) is null) return null;
            var canonical = SqlTree.Canonical(n);
            if (keyOf.TryGetValue(canonical, out var key)) return SqlTree.ColumnRef(key);
            if (IsAggregateCall(n)) return SqlTree.ColumnRef(aggregates[canonical].Internal);
            if (SqlTree.Type(n) == "GROUPING_FUNCTION")
                return groupings.TryGetValue(canonical, out var g) ? SqlTree.ColumnRef(g.Internal) : JsonNode.Parse(ConstantZero);
            if (SqlTree.Class(n) == "COLUMN_REF" && SqlTree.ColumnNames(n).Last() is var name &&
                preAggregate.TryGetValue(name, out var column) && !grouped.Contains(name))
                throw new PlanException(
                    $"SQL: column '{(column.Qualifier is null ? "" : column.Qualifier + ".")}{column.Name}' in {clause} must appear in GROUP BY or be used in an aggregate function",
                    column.Name);
            return null;
        });
        return (result, Substitute);
    }

    private const string ConstantZero =
        """{"class":"CONSTANT","type":"VALUE_CONSTANT","alias":"","query_location":0,"value":{"type":{"id":"INTEGER","type_info":null},"is_null":false,"value":0}}""";

    /// <summary>GROUPING(a, b): a bit per argument, 1 where the grouping set leaves that key out.</summary>
    private static int GroupingValue(JsonNode call, List<string> set, Dictionary<string, string> keyOf)
    {
        var args = call["children"]!.AsArray();
        var value = 0;
        foreach (var arg in args)
        {
            if (!keyOf.TryGetValue(SqlTree.Canonical(arg!), out var key))
                throw new PlanException($"SQL: GROUPING(…){SqlTree.At(call)} takes GROUP BY expressions only", "GROUPING");
            value = (value << 1) | (set.Contains(key) ? 0 : 1);
        }
        return value;
    }

    /// <summary>Window columns, one window operator per distinct PARTITION BY (so each shuffles by its own keys).</summary>
    private (SqlRelation Relation, Func<JsonNode, JsonNode> Replace) Windows(SqlRelation relation, IEnumerable<JsonNode?> expressions)
    {
        var windows = new Dictionary<string, (JsonNode Call, string Internal)>();
        foreach (var expression in expressions)
            if (expression is not null)
                foreach (var w in SqlTree.Outermost(expression, n => SqlTree.Class(n) == "WINDOW"))
                    windows.TryAdd(SqlTree.Canonical(w), (w, Fresh("_window")));
        if (windows.Count == 0) return (relation, e => e);
        foreach (var group in windows.Values.GroupBy(w => SqlTree.Canonical(w.Call["partitions"]!)))
        {
            var plan = WideBinder.Window(relation.Plan, [.. group.Select(w => $"{SqlTree.Render(w.Call)} AS {Sql.Ident(w.Internal)}")]);
            relation = new SqlRelation(plan, relation.Columns.AddRange(group.Select(w => new BoundColumn(null, w.Internal, w.Internal, "") { Hidden = true })));
        }
        return (relation, e => SqlTree.Transform(e, n =>
            SqlTree.Class(n) == "WINDOW" && windows.TryGetValue(SqlTree.Canonical(n), out var w) ? SqlTree.ColumnRef(w.Internal) : null));
    }
}
