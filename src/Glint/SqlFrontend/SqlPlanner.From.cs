using System.Collections.Immutable;
using System.Text.Json.Nodes;
using Glint.Errors;
using Glint.Plan;

namespace Glint.SqlFrontend;

internal sealed partial class SqlPlanner
{
    /// <summary>The leaves of a FROM clause's inner joins and their ON conditions, before any join is chosen.</summary>
    private sealed record FromLeaves(List<SqlRelation> Leaves, List<JsonNode> Conditions)
    {
        public SqlScope Scope(SqlScope? outer) => new([.. Leaves.SelectMany(l => l.Columns)], outer);
    }

    /// <summary>Inner and cross joins are flattened into one join graph so that the planner can order them and push filters down.</summary>
    private FromLeaves Flatten(JsonObject from)
    {
        var result = new FromLeaves([], []);
        Visit(from);
        return result;

        void Visit(JsonObject item)
        {
            if (IsPlainInnerJoin(item) && string.IsNullOrEmpty(SqlTree.Str(item, "alias")))
            {
                Visit(item["left"]!.AsObject());
                Visit(item["right"]!.AsObject());
                result.Conditions.AddRange(SqlTree.Conjuncts(item["condition"]));
            }
            else result.Leaves.Add(PlanFromItem(item));
        }
    }

    private SqlRelation PlanFromItem(JsonObject item)
    {
        switch (SqlTree.Type(item))
        {
            case "BASE_TABLE":
                return PlanTable(item);
            case "SUBQUERY":
                var sub = PlanQuery(item["subquery"]!["node"]!.AsObject(), outer: null, correlation: null).Relation;
                return Requalify(sub, SqlTree.Str(item, "alias"), Aliases(item["column_name_alias"]));
            case "JOIN" when IsPlainInnerJoin(item):
                var leaves = Flatten(item);
                var scope = leaves.Scope(null);
                var conditions = leaves.Conditions.Select(c => Bound(c, scope, "ON")).ToList();
                return Requalify(Graph(leaves.Leaves, conditions), NullIfEmpty(SqlTree.Str(item, "alias")), []);
            case "JOIN":
                return PlanJoin(item);
            case "TABLE_FUNCTION":
                var function = SqlTree.Str(item["function"], "function_name");
                throw new PlanException(
                    $"SQL: the table function {function}(…) in FROM{SqlTree.At(item)} is refused: SQL in Glint may read only the declared inputs ({string.Join(", ", tables.Keys)})",
                    function);
            case "EMPTY":
                throw new PlanException("SQL: a SELECT without FROM is not supported; Glint's SQL reads the declared inputs", "FROM");
            case var other:
                throw new PlanException($"SQL: {other} in FROM{SqlTree.At(item)} is not supported", other ?? "FROM");
        }
    }

    /// <summary>An inner or cross join with an ON condition (not USING or NATURAL, whose columns merge).</summary>
    private static bool IsPlainInnerJoin(JsonObject item) =>
        SqlTree.Type(item) == "JOIN" && SqlTree.Str(item, "join_type") == "INNER" && SqlTree.Str(item, "ref_type") is "REGULAR" or "CROSS" &&
        item["using_columns"] is not JsonArray { Count: > 0 };

    private static string? NullIfEmpty(string s) => string.IsNullOrEmpty(s) ? null : s;

    private static ImmutableArray<string> Aliases(JsonNode? node) =>
        node?.AsArray().Select(a => a!.GetValue<string>()).ToImmutableArray() ?? [];

    /// <summary>The relation under a new name (<c>AS alias(col1, col2)</c>); its own qualifiers no longer apply.</summary>
    private static SqlRelation Requalify(SqlRelation relation, string? alias, ImmutableArray<string> columnAliases)
    {
        var visible = relation.Columns.Where(c => !c.Hidden).ToList();
        if (columnAliases.Length > visible.Count)
            throw new PlanException($"SQL: {columnAliases.Length} column aliases given for {alias}, which has {visible.Count} columns", alias ?? "alias");
        var renamed = relation.Columns.Select(c =>
        {
            if (c.Hidden) return c;
            var i = visible.IndexOf(c);
            return alias is null && columnAliases.IsEmpty
                ? c
                : c with { Qualifier = alias ?? c.Qualifier, Name = i < columnAliases.Length ? columnAliases[i] : c.Name };
        });
        return relation with { Columns = [.. renamed] };
    }

    private SqlRelation PlanTable(JsonObject item)
    {
        var name = SqlTree.Str(item, "table_name");
        var at = SqlTree.At(item);
        if (!string.IsNullOrEmpty(SqlTree.Str(item, "schema_name")) || !string.IsNullOrEmpty(SqlTree.Str(item, "catalog_name")))
            throw new PlanException($"SQL: table '{SqlTree.Str(item, "schema_name")}.{name}'{at} is refused: SQL in Glint may read only the declared inputs ({string.Join(", ", tables.Keys)})", name);
        var alias = NullIfEmpty(SqlTree.Str(item, "alias")) ?? name;
        var columnAliases = Aliases(item["column_name_alias"]);

        var cte = ctes.LastOrDefault(c => SqlScope.Same(c.Name, name));
        if (cte is not null)
        {
            var saved = ctes;
            ctes = cte.Visible;
            try
            {
                var relation = PlanQuery(cte.Query, outer: null, correlation: null).Relation;
                return Requalify(Requalify(relation, cte.Name, cte.Aliases), alias, columnAliases);
            }
            finally
            {
                ctes = saved;
            }
        }

        if (!tables.TryGetValue(name, out var input))
            throw new PlanException(
                $"SQL: unknown table '{name}' in FROM{at}; the declared inputs are: {(tables.Count == 0 ? "(none)" : string.Join(", ", tables.Keys))}", name);
        var keep = input.Schema.Columns.Where(c => referenced is null || referenced.Contains(c.Name)).ToList();
        if (keep.Count == 0) keep.Add(input.Schema.Columns[0]);
        var columns = keep.Select(c => new BoundColumn(alias, c.Name, Fresh(c.Name), c.Type)).ToImmutableArray();
        var plan = Binder.Project(input, [.. keep.Zip(columns, (c, b) => $"{Sql.Ident(c.Name)} AS {Sql.Ident(b.Internal)}")]);
        var result = Requalify(new SqlRelation(plan, columns), null, columnAliases);
        if (input is ScanNode scan && !scan.Source.PartitionColumns.IsEmpty)
        {
            var partitions = keep.Zip(columns)
                .Where(p => scan.Source.PartitionColumns.Any(pc => SqlScope.Same(pc.Name, p.First.Name)))
                .ToImmutableDictionary(p => p.Second.Internal, p => p.First.Name);
            if (!partitions.IsEmpty) scans[result] = new ScanColumns(scan, partitions);
        }
        return result;
    }

    private SqlRelation PlanJoin(JsonObject item)
    {
        var left = PlanFromItem(item["left"]!.AsObject());
        var right = PlanFromItem(item["right"]!.AsObject());
        var kind = SqlTree.Str(item, "join_type");
        var type = kind switch
        {
            "INNER" => JoinType.Inner,
            "LEFT" => JoinType.Left,
            "RIGHT" => JoinType.Right,
            "OUTER" or "FULL" => JoinType.Full,
            "SEMI" => JoinType.Semi,
            "ANTI" => JoinType.Anti,
            _ => throw new PlanException($"SQL: {kind} JOIN{SqlTree.At(item)} is not supported", kind),
        };
        var refType = SqlTree.Str(item, "ref_type");
        if (refType is not ("REGULAR" or "NATURAL" or "CROSS"))
            throw new PlanException($"SQL: {refType} JOIN{SqlTree.At(item)} is not supported", refType);

        var usingColumns = Aliases(item["using_columns"]).ToList();
        if (refType == "NATURAL")
        {
            var rightNames = right.Columns.Where(c => !c.Hidden && c.Unqualified).Select(c => c.Name).ToHashSet(StringComparer.OrdinalIgnoreCase);
            usingColumns = left.Columns.Where(c => !c.Hidden && c.Unqualified && rightNames.Contains(c.Name)).Select(c => c.Name)
                .Distinct(StringComparer.OrdinalIgnoreCase).ToList();
        }
        JoinResult joined;
        if (usingColumns.Count > 0)
        {
            var pairs = usingColumns.Select(name => (
                Left: Using(left, name, "left", item), Right: Using(right, name, "right", item))).ToList();
            var conditions = pairs.Select(p => (JsonNode)Equal(SqlTree.ColumnRef(p.Left.Internal), SqlTree.ColumnRef(p.Right.Internal))).ToList();
            joined = BuildJoin(left, right, type, conditions);
            var relation = joined.Relation;
            var columns = relation.Columns.ToList();
            foreach (var (l, r) in pairs)
            {
                // The USING column appears once, unqualified and in *: from the side whose rows are all kept.
                BoundColumn visible;
                if (type == JoinType.Full)
                {
                    var merged = Fresh(l.Name);
                    relation = WithColumn(relation, merged, $"coalesce({Sql.Ident(l.Internal)}, {Sql.Ident(r.Internal)})");
                    visible = new BoundColumn(null, l.Name, merged, relation.TypeOf(merged));
                    columns.Insert(columns.IndexOf(l), visible);
                }
                else visible = type == JoinType.Right ? r : l;
                for (var i = 0; i < columns.Count; i++)
                    if (columns[i] == l || columns[i] == r)
                        columns[i] = columns[i] == visible ? columns[i] : columns[i] with { Unqualified = false, InStar = false };
            }
            return relation with { Columns = [.. columns] };
        }
        var scope = new SqlScope([.. left.Columns, .. right.Columns]);
        var bound = SqlTree.Conjuncts(item["condition"]).Select(c => Bound(c, scope, "ON")).ToList();
        return BuildJoin(left, right, type, bound).Relation;
    }

    private static BoundColumn Using(SqlRelation side, string name, string which, JsonNode at) =>
        new SqlScope(side.Columns).TryResolve([name], "")?.Column
        ?? throw new PlanException($"SQL: USING column '{name}'{SqlTree.At(at)} is not a column of the {which} side", name);

    /// <summary>Binds a condition that may not contain subqueries (ON clauses).</summary>
    private JsonNode Bound(JsonNode condition, SqlScope scope, string clause)
    {
        var binder = new ExpressionBinder(scope, clause, Fresh);
        var bound = binder.Bind(condition);
        if (binder.Subqueries.Count > 0)
            throw new PlanException($"SQL: a subquery in {clause}{SqlTree.At(condition)} is not supported; move it to WHERE", clause);
        return bound;
    }

    private static JsonObject Equal(JsonNode left, JsonNode right) => new()
    {
        ["class"] = "COMPARISON",
        ["type"] = "COMPARE_EQUAL",
        ["alias"] = "",
        ["query_location"] = 0,
        ["left"] = left,
        ["right"] = right,
    };

    private sealed record JoinResult(SqlRelation Relation);

    /// <summary>
    /// One join: conditions on one side only are pushed below it where that keeps the join's meaning,
    /// equalities between the sides become keys (each side computes its key column), the rest is a
    /// residual condition. Without an equality the sides meet on a constant key.
    /// </summary>
    private JoinResult BuildJoin(SqlRelation left, SqlRelation right, JoinType type, List<JsonNode> conditions, bool broadcast = false)
    {
        var leftNames = left.Columns.Select(c => c.Internal).ToHashSet();
        var rightNames = right.Columns.Select(c => c.Internal).ToHashSet();
        var keys = new List<(string Left, string Right)>();
        var residual = new List<string>();
        foreach (var condition in conditions)
        {
            var refs = ExpressionBinder.References(condition);
            if (refs.Count > 0 && refs.IsSubsetOf(rightNames) && type is JoinType.Inner or JoinType.Left or JoinType.Semi or JoinType.Anti)
                right = Filter(right, SqlTree.Render(condition));
            else if (refs.Count > 0 && refs.IsSubsetOf(leftNames) && type is JoinType.Inner or JoinType.Right)
                left = Filter(left, SqlTree.Render(condition));
            else if (EquiSides(condition, leftNames, rightNames) is { } sides)
                keys.Add(sides);
            else
                residual.Add(SqlTree.Render(condition));
        }
        if (keys.Count == 0) keys.Add(("1", "1"));

        var keyNames = new List<string>();
        foreach (var (l, r) in keys)
        {
            var name = Fresh("_key");
            left = WithColumn(left, name, l);
            right = WithColumn(right, name, r);
            keyNames.Add(name);
        }
        return new JoinResult(JoinOn(left, right, type, keyNames, residual.Count == 0 ? null : string.Join(" AND ", residual.Select(r => $"({r})")), broadcast));
    }

    /// <summary>Joins two relations that both carry the key columns <paramref name="keys"/>.</summary>
    private static SqlRelation JoinOn(SqlRelation left, SqlRelation right, JoinType type, List<string> keys, string? residual, bool broadcast)
    {
        foreach (var key in keys)
        {
            var (lt, rt) = (left.TypeOf(key), right.TypeOf(key));
            if (WideBinder.Family(lt) != WideBinder.Family(rt))
                throw new PlanException($"SQL: cannot compare {Describe(left, key)} ({lt}) with {Describe(right, key)} ({rt}) in a join condition; cast one side", key);
        }
        var join = WideBinder.Join(left.Plan, right.Plan, [.. keys], type, broadcast, residual);
        var columns = type is JoinType.Semi or JoinType.Anti
            ? left.Columns
            : left.Columns.AddRange(right.Columns.Where(c => !keys.Contains(c.Internal)));
        return new SqlRelation(join, columns);
    }

    private static string Describe(SqlRelation relation, string key) =>
        relation.Plan is WithColumnNode w && w.Name == key ? w.Expression : key;

    /// <summary>The two sides of an equality whose one side reads only the left relation and the other only the right.</summary>
    private static (string Left, string Right)? EquiSides(JsonNode condition, HashSet<string> left, HashSet<string> right)
    {
        if (SqlTree.Class(condition) != "COMPARISON" || SqlTree.Type(condition) != "COMPARE_EQUAL") return null;
        var a = condition["left"]!;
        var b = condition["right"]!;
        var ra = ExpressionBinder.References(a);
        var rb = ExpressionBinder.References(b);
        if (ra.Count == 0 || rb.Count == 0) return null;
        if (ra.IsSubsetOf(left) && rb.IsSubsetOf(right)) return (SqlTree.Render(a), SqlTree.Render(b));
        if (rb.IsSubsetOf(left) && ra.IsSubsetOf(right)) return (SqlTree.Render(b), SqlTree.Render(a));
        return null;
    }

    /// <summary>
    /// Inner joins of several inputs: filters on one input are applied to it first (pruning partitions
    /// of a scanned table), then the largest input is joined with its connected neighbours smallest
    /// first, each new one on the build side.
    /// </summary>
    private SqlRelation Graph(List<SqlRelation> leaves, List<JsonNode> conditions)
    {
        var owner = new Dictionary<string, int>();
        for (var i = 0; i < leaves.Count; i++)
            foreach (var c in leaves[i].Columns) owner[c.Internal] = i;
        var pending = new List<(JsonNode Condition, HashSet<int> Leaves)>();
        var late = new List<JsonNode>();
        foreach (var condition in conditions)
        {
            var touched = ExpressionBinder.References(condition).Where(owner.ContainsKey).Select(r => owner[r]).ToHashSet();
            if (touched.Count == 0) late.Add(condition);
            else if (touched.Count == 1) leaves[touched.First()] = PushDown(leaves[touched.First()], condition);
            else pending.Add((condition, touched));
        }

        var remaining = Enumerable.Range(0, leaves.Count).ToHashSet();
        var start = remaining.MaxBy(i => Estimate(leaves[i].Plan));
        var joined = new HashSet<int> { start };
        remaining.Remove(start);
        var current = leaves[start];
        while (remaining.Count > 0)
        {
            var connected = remaining.Where(j => pending.Any(p => p.Leaves.Contains(j) && p.Leaves.IsSubsetOf(joined.Append(j)) &&
                SqlTree.Type(p.Condition) == "COMPARE_EQUAL")).ToList();
            var next = (connected.Count > 0 ? connected : [.. remaining]).MinBy(j => Estimate(leaves[j].Plan));
            joined.Add(next);
            remaining.Remove(next);
            var now = pending.Where(p => p.Leaves.IsSubsetOf(joined)).ToList();
            pending.RemoveAll(now.Contains);
            current = BuildJoin(current, leaves[next], JoinType.Inner, [.. now.Select(p => p.Condition)]).Relation;
        }
        foreach (var condition in late.Concat(pending.Select(p => p.Condition)))
            current = Filter(current, SqlTree.Render(condition));
        return current;
    }

    /// <summary>A filter on one input; on a partitioned table's partition columns it also drops the files it excludes.</summary>
    private SqlRelation PushDown(SqlRelation leaf, JsonNode condition)
    {
        var sql = SqlTree.Render(condition);
        if (scans.TryGetValue(leaf, out var scan) && ExpressionBinder.References(condition) is { Count: > 0 } refs &&
            refs.All(scan.PartitionColumnOf.ContainsKey))
        {
            var pruned = new ScanNode(PartitionPruner.Prune(scan.Scan.Source, sql, scan.PartitionColumnOf));
            var filtered = Filter(leaf.WithPlan(ReplaceScan(leaf.Plan, pruned)), sql);
            scans[filtered] = scan with { Scan = pruned };
            return filtered;
        }
        return Filter(leaf, sql);
    }

    private static LogicalNode ReplaceScan(LogicalNode node, ScanNode pruned) => node switch
    {
        ScanNode => pruned,
        FilterNode f => f with { Input = ReplaceScan(f.Input, pruned) },
        ProjectNode p => p with { Input = ReplaceScan(p.Input, pruned) },
        _ => throw new InvalidOperationException($"partition pruning reached {node.GetType().Name}"),
    };

    /// <summary>Bytes an input is expected to produce, from its files' sizes: only used to order joins.</summary>
    internal static double Estimate(LogicalNode node) => node switch
    {
        ScanNode s => s.Source.TotalBytes,
        ProjectNode { Input: ScanNode s } p => (double)s.Source.TotalBytes * p.Expressions.Length / Math.Max(1, s.Schema.Columns.Length),
        FilterNode f => Estimate(f.Input) / 3,
        AggregateNode { Keys.IsEmpty: true } => 1,
        AggregateNode a => Estimate(a.Input) / 2,
        JoinNode { Type: JoinType.Semi or JoinType.Anti } j => Estimate(j.Left) / 2,
        JoinNode j => Math.Max(Estimate(j.Left), Estimate(j.Right)),
        LimitNode l => Math.Min(l.Count * 100.0, Estimate(l.Input)),
        _ => node.Children.Sum(Estimate),
    };
}
