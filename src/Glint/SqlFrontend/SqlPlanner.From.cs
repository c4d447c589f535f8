using System.Collections.Immutable;
using System.Text.Json.Nodes;
using Glint.Common;
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
        var schema = SqlTree.Str(item, "schema_name");
        LogicalNode? fromCatalog = null;
        if (!string.IsNullOrEmpty(schema) || !string.IsNullOrEmpty(SqlTree.Str(item, "catalog_name")))
        {
            if (string.IsNullOrEmpty(SqlTree.Str(item, "catalog_name")) && catalog?.Invoke(schema, name) is { } table) fromCatalog = table;
            else
                throw new PlanException(
                    $"SQL: table '{schema}.{name}'{at} is refused: SQL in Glint may read only the declared inputs ({string.Join(", ", tables.Keys)}) and catalog tables (database.table)", name);
        }
        var alias = NullIfEmpty(SqlTree.Str(item, "alias")) ?? name;
        var columnAliases = Aliases(item["column_name_alias"]);

        var cte = fromCatalog is null ? ctes.LastOrDefault(c => SqlScope.Same(c.Name, name)) : null;
        if (cte is not null)
        {
            // A CTE is planned once; each reference renames its columns afresh (a CTE may be joined with itself),
            // and the physical planner, planning each logical node once, computes the body's stages once.
            if (!cteBodies.TryGetValue(cte, out var body))
            {
                var saved = ctes;
                ctes = cte.Visible;
                try { cteBodies[cte] = body = PlanQuery(cte.Query, outer: null, correlation: null).Relation; }
                finally { ctes = saved; }
            }
            var visible = body.Columns.Where(c => !c.Hidden).ToList();
            var renamed = Project(body, [.. visible.Select(c => (Sql.Ident(c.Internal), c with { Internal = Fresh(c.Name) }))]);
            renamed = renamed with { Columns = [.. renamed.Columns.Zip(visible, (r, v) => r with { Type = v.Type })] };
            return Requalify(Requalify(renamed, cte.Name, cte.Aliases), alias, columnAliases);
        }

        var input = fromCatalog;
        if (input is null && !tables.TryGetValue(name, out input))
            throw new PlanException(
                $"SQL: unknown table '{name}' in FROM{at}; the declared inputs are: {(tables.Count == 0 ? "(none)" : string.Join(", ", tables.Keys))}", name);
        var keep = input.Schema.Columns.Where(c => referenced is null || referenced.Contains(c.Name)).ToList();
        if (keep.Count == 0) keep.Add(input.Schema.Columns[0]);
        unread.AddRange(input.Schema.Columns.Except(keep).Select(c => $"{alias}.{c.Name}"));
        if (input is DatabaseScanNode database && keep.Count < database.Schema.Columns.Length)
            input = new DatabaseScanNode(Storage.Databases.DatabaseSplits.Narrowed(database.Source, keep.Select(c => c.Name)));
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
        if (usingColumns.Count > 0)
        {
            var pairs = usingColumns.Select(name => (
                Left: Using(left, name, "left", item), Right: Using(right, name, "right", item))).ToList();
            var conditions = pairs.Select(p => (JsonNode)Equal(SqlTree.ColumnRef(p.Left.Internal), SqlTree.ColumnRef(p.Right.Internal))).ToList();
            var relation = BuildJoin(left, right, type, conditions);
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
        return BuildJoin(left, right, type, bound);
    }

    private static BoundColumn Using(SqlRelation side, string name, string which, JsonNode at) =>
        new SqlScope(side.Columns).TryResolve([name], "")?.Column
        ?? throw new PlanException($"SQL: USING column '{name}'{SqlTree.At(at)} is not a column of the {which} side", name);

    /// <summary>Binds a condition that may not contain subqueries (ON clauses).</summary>
    private JsonNode Bound(JsonNode condition, SqlScope scope, string clause)
    {
        var binder = new ExpressionBinder(scope, clause, Fresh) { Unread = unread };
        var bound = binder.Bind(condition);
        if (binder.Subqueries.Count > 0)
            throw new PlanException($"SQL: a subquery in {clause}{SqlTree.At(condition)} is not supported; move it to WHERE", clause);
        return bound;
    }
}
