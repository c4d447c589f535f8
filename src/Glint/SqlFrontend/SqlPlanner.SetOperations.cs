using System.Collections.Immutable;
using System.Text.Json.Nodes;
using Glint.Common;
using Glint.Plan;

namespace Glint.SqlFrontend;

internal sealed partial class SqlPlanner
{
    /// <summary>
    /// UNION [ALL] as a union (then a distinct); INTERSECT and EXCEPT [ALL] as an aggregate over both
    /// sides tagged by origin, counting each row's copies per side (NULLs compare equal, as set
    /// operations require), then keeping the rows (and copies) the operation asks for.
    /// </summary>
    private QueryResult PlanSetOperation(JsonObject node, bool top)
    {
        var kind = SqlTree.Str(node, "setop_type");
        var all = node["setop_all"]?.GetValue<bool>() == true;
        var children = node["children"] is JsonArray list ? list.Select(c => c!.AsObject()).ToList() : [node["left"]!.AsObject(), node["right"]!.AsObject()];
        var sides = children.Select(c => PlanQuery(c, outer: null, correlation: null).Relation).Select(Visible).ToList();
        var left = sides[0];
        foreach (var other in sides.Skip(1))
            if (other.Columns.Length != left.Columns.Length)
                throw new PlanException($"SQL: each side of {kind} must have the same number of columns ({left.Columns.Length} vs {other.Columns.Length})", kind);

        SqlRelation result;
        switch (kind)
        {
            case "UNION":
                result = left.WithPlan(Binder.Union([.. sides.Select(s => s.Plan)]));
                if (!all) result = result.WithPlan(new DistinctNode(result.Plan, []));
                break;
            case "INTERSECT" or "EXCEPT":
                if (sides.Count != 2) throw new PlanException($"SQL: {kind} of more than two inputs is not supported", kind);
                result = Counted(left, sides[1], kind == "INTERSECT", all);
                break;
            case "UNION_BY_NAME":
                throw new PlanException("SQL: UNION BY NAME is not supported; list the columns in the same order on both sides", kind);
            default:
                throw new PlanException($"SQL: the set operation {kind} is not supported", kind);
        }
        var orders = OrderItems(node, [.. result.Columns.Select(c => new SelectItem(SqlTree.ColumnRef(c.Internal), c.Name))],
            (e, clause) => throw new PlanException($"SQL: ORDER BY after {kind} must name an output column or its position{SqlTree.At(e)}", clause));
        var keys = orders.Select(o => new SortKey(result.Columns[o.Output!.Value].Internal, o.Descending, o.NullsFirst)).ToList();
        var (relation, single) = OrderAndLimit(result, node["modifiers"]!.AsArray(), keys, top);
        return new QueryResult(relation, single);
    }

    private static SqlRelation Visible(SqlRelation relation) => Keep(relation, relation.Columns.Where(c => !c.Hidden));

    private SqlRelation Counted(SqlRelation left, SqlRelation right, bool intersect, bool all)
    {
        var side = Fresh("_side");
        var union = Binder.Union([WithColumn(left, side, "0").Plan, WithColumn(right, side, "1").Plan]);
        var (l, r) = (Fresh("_left"), Fresh("_right"));
        var keys = left.Columns.Select(c => c.Internal).ToImmutableArray();
        var counted = AggregateBinder.Bind(union, keys,
            [$"CAST(count_if({Sql.Ident(side)} = 0) AS BIGINT) AS {Sql.Ident(l)}", $"CAST(count_if({Sql.Ident(side)} = 1) AS BIGINT) AS {Sql.Ident(r)}"]);
        var (li, ri) = (Sql.Ident(l), Sql.Ident(r));
        var columns = keys.Select(Sql.Ident).ToList();
        LogicalNode plan;
        if (all)
        {
            var copies = intersect ? $"least({li}, {ri})" : $"greatest({li} - {ri}, 0)";
            plan = Binder.Project(counted, [.. columns, $"unnest(range({copies})) AS {Sql.Ident(Fresh("_copy"))}"]);
        }
        else plan = Binder.Filter(counted, intersect ? $"{li} > 0 AND {ri} > 0" : $"{li} > 0 AND {ri} = 0");
        return new SqlRelation(Binder.Project(plan, [.. columns]), left.Columns);
    }
}
