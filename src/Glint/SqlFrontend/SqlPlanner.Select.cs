using System.Collections.Immutable;
using System.Text.Json.Nodes;
using Glint.Common;
using Glint.Plan;

namespace Glint.SqlFrontend;

internal sealed partial class SqlPlanner
{
    /// <summary>A select-list item: its bound expression and output name.</summary>
    private sealed record SelectItem(JsonNode Bound, string Name);

    /// <summary>An ORDER BY item: an output column by position, or an expression computed as a hidden column.</summary>
    private sealed record OrderItem(int? Output, JsonNode? Hidden, bool Descending, bool NullsFirst);

    /// <summary>
    /// SELECT in the order SQL evaluates it: FROM and WHERE (a join graph with filters pushed down,
    /// then subquery conditions), GROUP BY and aggregates, HAVING, windows, QUALIFY, the select
    /// list, DISTINCT, ORDER BY, LIMIT/OFFSET.
    /// </summary>
    private QueryResult PlanSelect(JsonObject node, SqlScope? outer, Correlation? correlation, bool top)
    {
        if (node["sample"] is JsonObject) throw new PlanException("SQL: USING SAMPLE is not supported", "SAMPLE");
        if (SqlTree.Str(node, "aggregate_handling") != "STANDARD_HANDLING")
            throw new PlanException("SQL: GROUP BY ALL is not supported; list the grouping columns", "GROUP BY ALL");

        // FROM and WHERE.
        var leaves = Flatten(node["from_table"]!.AsObject());
        var scope = leaves.Scope(outer);
        var graphConditions = leaves.Conditions.Select(c => Bound(c, scope, "ON")).ToList();
        var semis = new List<SemiCondition>();
        var late = new List<(JsonNode Bound, List<PendingSubquery> Subqueries)>();
        var correlated = new List<(JsonNode Bound, HashSet<string> Outer)>();
        foreach (var conjunct in SqlTree.Conjuncts(node["where_clause"]).SelectMany(FactorOr))
        {
            if (AsSemiCondition(conjunct) is { } semi)
            {
                semis.Add(semi);
                continue;
            }
            var binder = new ExpressionBinder(scope, "WHERE", Fresh) { Unread = unread, AllowOuter = correlation is not null };
            var bound = binder.Bind(conjunct);
            if (binder.OuterRefs.Count > 0 && binder.Subqueries.Count > 0)
                throw new PlanException($"SQL: a condition{SqlTree.At(conjunct)} both correlates and contains a subquery; this is not supported", "WHERE");
            if (binder.OuterRefs.Count > 0) correlated.Add((bound, binder.OuterRefs));
            else if (binder.Subqueries.Count > 0) late.Add((bound, binder.Subqueries));
            else graphConditions.Add(bound);
        }
        // An uncorrelated IN that reads one input only is applied to that input before the joins (fewer rows to join).
        var planned = semis.Select(semi => PlanSemi(semi, scope)).ToList();
        var relation = Graph(leaves.Leaves, graphConditions, planned);
        var fromScope = new SqlScope(relation.Columns, outer);
        if (correlation is not null) relation = Correlate(relation, correlated, correlation);
        foreach (var (bound, subqueries) in late)
            relation = Filter(JoinScalars(relation, subqueries, fromScope), SqlTree.Render(bound));
        foreach (var semi in planned) relation = ApplySemi(relation, semi);
        var preAggregate = relation.Columns.ToDictionary(c => c.Internal);

        // The select list, and the clauses that may name its aliases.
        var pending = new List<PendingSubquery>();
        var items = correlation?.Mode == SubqueryMode.Exists ? [] : SelectItems(node, relation, fromScope, pending);
        JsonNode? Alias(IReadOnlyList<string> parts) =>
            parts.Count == 1 && items.FirstOrDefault(i => SqlScope.Same(i.Name, parts[0])) is { } item ? item.Bound.DeepClone() : null;
        JsonNode? BindClause(JsonNode? expression, string clause)
        {
            if (expression is null) return null;
            var binder = new ExpressionBinder(fromScope, clause, Fresh) { Unread = unread, Fallback = Alias };
            var bound = binder.Bind(expression);
            pending.AddRange(binder.Subqueries);
            return bound;
        }
        var having = BindClause(node["having"], "HAVING");
        var qualify = BindClause(node["qualify"], "QUALIFY");
        var orders = OrderItems(node, items, BindClause);

        // GROUP BY and aggregates.
        var aggregates = new Dictionary<string, (JsonNode Call, string Internal)>();
        foreach (var expression in items.Select(i => i.Bound).Concat([having, qualify]).Concat(orders.Select(o => o.Hidden)))
            if (expression is not null) CollectAggregates(expression, aggregates);
        var groupExpressions = node["group_expressions"]!.AsArray();
        var aggregated = groupExpressions.Count > 0 || aggregates.Count > 0 || having is not null;
        Func<JsonNode, string, JsonNode> substitute = (n, _) => n;
        if (aggregated)
        {
            if (correlation?.Mode == SubqueryMode.Exists)
                throw new PlanException("SQL: an aggregate inside EXISTS (…) is not supported (an aggregate without GROUP BY always returns a row)", "EXISTS");
            if (correlation is { Mode: SubqueryMode.Scalar, Keys.Count: > 0 } &&
                aggregates.Values.Select(a => a.Call).FirstOrDefault(c => SqlTree.Str(c, "function_name") is "count" or "count_star") is { } count)
                throw new PlanException($"SQL: count(…){SqlTree.At(count)} in a correlated scalar subquery is not supported (it would be NULL instead of 0 where nothing matches); use coalesce over a LEFT JOIN", "count");
            (relation, substitute) = Aggregate(node, relation, fromScope, items, aggregates, correlation, preAggregate, Alias,
                [having, qualify, .. orders.Select(o => o.Hidden)]);
            if (having is not null)
            {
                relation = JoinScalars(relation, pending.Where(p => Mentions(having, p)).ToList(), fromScope);
                relation = Filter(relation, SqlTree.Render(substitute(having, "HAVING")));
            }
        }
        relation = JoinScalars(relation, pending.Where(p => having is null || !Mentions(having, p)).ToList(), fromScope);
        var selected = items.Select(i => i with { Bound = substitute(i.Bound, "SELECT") }).ToList();
        qualify = qualify is null ? null : substitute(qualify, "QUALIFY");
        orders = [.. orders.Select(o => o.Hidden is null ? o : o with { Hidden = substitute(o.Hidden, "ORDER BY") })];

        // Windows, then QUALIFY.
        var windowed = Windows(relation, [.. selected.Select(s => s.Bound), qualify, .. orders.Select(o => o.Hidden)]);
        relation = windowed.Relation;
        selected = [.. selected.Select(s => s with { Bound = windowed.Replace(s.Bound) })];
        if (qualify is not null) relation = Filter(relation, SqlTree.Render(windowed.Replace(qualify)));
        orders = [.. orders.Select(o => o.Hidden is null ? o : o with { Hidden = windowed.Replace(o.Hidden) })];

        // The select list, with hidden columns for ORDER BY expressions and what a correlated subquery hands out.
        var projection = selected.Select(s => (Sql: SqlTree.Render(s.Bound), Column: new BoundColumn(null, s.Name, Fresh(s.Name), ""))).ToList();
        var sortColumns = new List<string>();
        var orderOnly = new HashSet<string>();
        foreach (var order in orders)
        {
            if (order.Output is { } i) sortColumns.Add(projection[i].Column.Internal);
            else
            {
                var hidden = Fresh("_order");
                projection.Add((SqlTree.Render(order.Hidden!), new BoundColumn(null, hidden, hidden, "") { Hidden = true }));
                sortColumns.Add(hidden);
                orderOnly.Add(hidden);
            }
        }
        if (correlation is not null)
        {
            foreach (var carried in correlation.Keys.Select(k => k.Key).Concat(correlation.Carried).Distinct())
            {
                if (!relation.Plan.Schema.Names.Contains(carried))
                    throw new PlanException("SQL: a correlated condition names a column the subquery's GROUP BY does not keep", carried);
                projection.Add((Sql.Ident(carried), new BoundColumn(null, carried, carried, "") { Hidden = true }));
            }
            if (projection.Count == 0) projection.Add(("1", new BoundColumn(null, "_exists", Fresh("_exists"), "") { Hidden = true }));
        }
        relation = Project(relation, projection);
        relation = relation with { Columns = [.. relation.Columns.Select(c => c with { Type = relation.TypeOf(c.Internal) })] };

        var modifiers = node["modifiers"]!.AsArray();
        if (modifiers.FirstOrDefault(m => SqlTree.Type(m) == "DISTINCT_MODIFIER") is { } distinct)
        {
            if (distinct["distinct_on_targets"] is JsonArray { Count: > 0 })
                throw new PlanException("SQL: DISTINCT ON is not supported; use QUALIFY row_number() OVER (PARTITION BY … ORDER BY …) = 1", "DISTINCT ON");
            if (orders.Any(o => o.Hidden is not null))
                throw new PlanException("SQL: with SELECT DISTINCT, ORDER BY expressions must appear in the select list", "ORDER BY");
            relation = relation.WithPlan(new DistinctNode(relation.Plan, []));
        }
        var (limited, single) = OrderAndLimit(relation, modifiers, orders.Zip(sortColumns, (o, c) => new SortKey(c, o.Descending, o.NullsFirst)).ToList(), top);
        relation = limited;
        if (orderOnly.Count > 0)
            relation = Keep(relation, relation.Columns.Where(c => !orderOnly.Contains(c.Internal)));
        var singleRow = single || (aggregated && groupExpressions.Count == 0);
        return new QueryResult(relation, singleRow);
    }

    /// <summary>
    /// (a AND b) OR (a AND c) as a AND (b OR c): a join condition repeated in every branch of an OR
    /// (TPC-H Q19) becomes a join key instead of a condition over the cross product.
    /// </summary>
    private static IEnumerable<JsonNode> FactorOr(JsonNode conjunct)
    {
        if (SqlTree.Class(conjunct) != "CONJUNCTION" || SqlTree.Type(conjunct) != "CONJUNCTION_OR")
            return [conjunct];
        var branches = conjunct["children"]!.AsArray().Select(b => SqlTree.Conjuncts(b).ToList()).ToList();
        var common = branches[0].Where(c => branches.All(b => b.Any(x => SqlTree.Canonical(x) == SqlTree.Canonical(c)))).ToList();
        if (common.Count == 0) return [conjunct];
        var keys = common.Select(SqlTree.Canonical).ToHashSet();
        var rests = branches.Select(b => b.Where(x => !keys.Contains(SqlTree.Canonical(x))).ToList()).ToList();
        if (rests.Any(r => r.Count == 0)) return common;
        JsonNode All(List<JsonNode> parts) => parts.Count == 1 ? parts[0].DeepClone() : Conjunction("CONJUNCTION_AND", parts);
        return [.. common, Conjunction("CONJUNCTION_OR", [.. rests.Select(All)])];
    }

    private static JsonObject Conjunction(string type, IEnumerable<JsonNode> children) => new()
    {
        ["class"] = "CONJUNCTION",
        ["type"] = type,
        ["alias"] = "",
        ["query_location"] = 0,
        ["children"] = new JsonArray([.. children.Select(c => c.DeepClone())]),
    };

    private List<SelectItem> SelectItems(JsonObject node, SqlRelation relation, SqlScope scope, List<PendingSubquery> pending)
    {
        var items = new List<SelectItem>();
        foreach (var expression in node["select_list"]!.AsArray())
        {
            if (SqlTree.Class(expression) == "STAR")
            {
                items.AddRange(Star(expression!, relation));
                continue;
            }
            var binder = new ExpressionBinder(scope, "SELECT", Fresh) { Unread = unread };
            var bound = binder.Bind(expression!);
            pending.AddRange(binder.Subqueries);
            var alias = SqlTree.Str(expression, "alias");
            var name = !string.IsNullOrEmpty(alias) ? alias
                : SqlTree.Class(expression) == "COLUMN_REF" ? SqlTree.ColumnNames(expression!).Last()
                : SqlTree.Render(expression!);
            items.Add(new SelectItem(bound, name));
        }
        return items;
    }

    private static IEnumerable<SelectItem> Star(JsonNode star, SqlRelation relation)
    {
        if (star["columns"]?.GetValue<bool>() == true || star["expr"] is JsonObject)
            throw new PlanException($"SQL: COLUMNS(…){SqlTree.At(star)} is not supported", "COLUMNS");
        if (star["replace_list"] is JsonArray { Count: > 0 } || star["rename_list"] is JsonArray { Count: > 0 })
            throw new PlanException($"SQL: * REPLACE / RENAME{SqlTree.At(star)} is not supported", "*");
        var qualifier = SqlTree.Str(star, "relation_name");
        var exclude = (star["exclude_list"]?.AsArray() ?? []).Select(e => e is JsonValue v ? v.GetValue<string>() : SqlTree.Str(e, "column_name"))
            .ToHashSet(StringComparer.OrdinalIgnoreCase);
        var columns = relation.Columns.Where(c => !c.Hidden &&
            (string.IsNullOrEmpty(qualifier) ? c.InStar : c.Qualifier is not null && SqlScope.Same(c.Qualifier, qualifier))).ToList();
        if (!string.IsNullOrEmpty(qualifier) && columns.Count == 0)
            throw new PlanException($"SQL: {qualifier}.*{SqlTree.At(star)} names no table or alias in FROM", qualifier);
        return columns.Where(c => !exclude.Contains(c.Name)).Select(c => new SelectItem(SqlTree.ColumnRef(c.Internal), c.Name));
    }

    private static List<OrderItem> OrderItems(JsonObject node, List<SelectItem> items, Func<JsonNode?, string, JsonNode?> bind)
    {
        var result = new List<OrderItem>();
        var order = node["modifiers"]!.AsArray().FirstOrDefault(m => SqlTree.Type(m) == "ORDER_MODIFIER");
        foreach (var o in order?["orders"]?.AsArray() ?? [])
        {
            var expression = o!["expression"]!;
            var descending = SqlTree.Str(o, "type") == "DESCENDING";
            var nullsFirst = SqlTree.Str(o, "null_order") is "NULLS FIRST" or "NULLS_FIRST";
            int? output = null;
            if (ConstantInteger(expression) is { } position)
            {
                if (position < 1 || position > items.Count)
                    throw new PlanException($"SQL: ORDER BY {position}{SqlTree.At(expression)} is out of range; the select list has {items.Count} items", "ORDER BY");
                output = (int)position - 1;
            }
            else if (SqlTree.Class(expression) == "COLUMN_REF" && SqlTree.ColumnNames(expression).ToList() is [var single] &&
                     items.FindIndex(i => SqlScope.Same(i.Name, single)) is var named and >= 0)
                output = named;
            if (output is not null)
            {
                result.Add(new OrderItem(output, null, descending, nullsFirst));
                continue;
            }
            var bound = bind(expression, "ORDER BY")!;
            var canonical = SqlTree.Canonical(bound);
            var same = items.FindIndex(i => SqlTree.Canonical(i.Bound) == canonical);
            result.Add(same >= 0 ? new OrderItem(same, null, descending, nullsFirst) : new OrderItem(null, bound, descending, nullsFirst));
        }
        return result;
    }

    /// <summary>ORDER BY (a total order across tasks) and LIMIT/OFFSET; an ORDER BY in a subquery without LIMIT changes nothing and is dropped.</summary>
    private static (SqlRelation Relation, bool SingleRow) OrderAndLimit(SqlRelation relation, JsonArray modifiers, List<SortKey> keys, bool top)
    {
        var limit = modifiers.FirstOrDefault(m => SqlTree.Type(m) is "LIMIT_MODIFIER" or "LIMIT_PERCENT_MODIFIER");
        if (SqlTree.Type(limit) == "LIMIT_PERCENT_MODIFIER") throw new PlanException("SQL: LIMIT … PERCENT is not supported", "LIMIT");
        long? count = null, offset = null;
        if (limit?["limit"] is JsonNode l)
            count = ConstantInteger(l) ?? throw new PlanException($"SQL: LIMIT must be a constant integer{SqlTree.At(l)}", "LIMIT");
        if (limit?["offset"] is JsonNode o)
            offset = ConstantInteger(o) ?? throw new PlanException($"SQL: OFFSET must be a constant integer{SqlTree.At(o)}", "OFFSET");
        if (count < 0 || offset < 0) throw new PlanException("SQL: LIMIT and OFFSET must not be negative", "LIMIT");
        if (keys.Count > 0 && (top || limit is not null))
            relation = relation.WithPlan(new SortNode(relation.Plan, [.. keys], Global: true));
        if (limit is not null)
            relation = relation.WithPlan(new LimitNode(relation.Plan, count ?? LimitNode.Unbounded) { Offset = offset ?? 0 });
        return (relation, count is 0 or 1);
    }

    private static bool Mentions(JsonNode expression, PendingSubquery p) =>
        ExpressionBinder.References(expression).Contains(p.Placeholder);

    private void CollectAggregates(JsonNode expression, Dictionary<string, (JsonNode Call, string Internal)> aggregates)
    {
        foreach (var node in SqlTree.Outermost(expression, IsAggregateCall))
        {
            var inner = node["children"]!.AsArray().Concat([node["filter"]]).Where(c => c is not null)
                .SelectMany(c => SqlTree.Descendants(c!)).FirstOrDefault(n => IsAggregateCall(n) || SqlTree.Class(n) == "WINDOW");
            if (inner is not null)
                throw new PlanException($"SQL: {SqlTree.Str(inner, "function_name")}(…){SqlTree.At(inner)} inside the aggregate {SqlTree.Str(node, "function_name")}(…) is not allowed", SqlTree.Str(inner, "function_name"));
            var canonical = SqlTree.Canonical(node);
            if (!aggregates.ContainsKey(canonical))
                aggregates[canonical] = (node, Fresh("_agg"));
        }
    }
}
