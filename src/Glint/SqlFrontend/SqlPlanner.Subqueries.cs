using System.Text.Json.Nodes;
using Glint.Common;
using Glint.Plan;

namespace Glint.SqlFrontend;

/// <summary>What a subquery is used for, which decides what it must hand back.</summary>
internal enum SubqueryMode { Scalar, Exists, In }

/// <summary>
/// A subquery's conditions on the enclosing query, pulled out of its WHERE: equalities become join
/// keys (the subquery computes <c>Key</c>, the enclosing query <c>OuterSql</c>); other conditions
/// become the join's residual, reading the inner columns in <c>Carried</c>.
/// </summary>
internal sealed class Correlation(SubqueryMode mode)
{
    public SubqueryMode Mode => mode;
    public List<(string Key, string OuterSql)> Keys { get; } = [];
    public List<string> Residuals { get; } = [];
    public HashSet<string> Carried { get; } = [];
    /// <summary>The enclosing query's columns the subquery's conditions read.</summary>
    public HashSet<string> OuterColumns { get; } = [];
}

/// <summary>A semi or anti join's subquery, planned; <c>Child</c> is the bound left side of IN (null for EXISTS).</summary>
internal sealed record PlannedSemi(SqlPlanner.SemiCondition Semi, Correlation Correlation, SqlRelation Sub, JsonNode? Child)
{
    /// <summary>Every column of the enclosing query the join reads: its probe and its correlations.</summary>
    public HashSet<string> Reads => [.. Correlation.OuterColumns, .. Child is null ? [] : ExpressionBinder.References(Child)];
}

internal sealed partial class SqlPlanner
{
    /// <summary>A WHERE condition that is [NOT] EXISTS (…) or x [NOT] IN (…).</summary>
    internal sealed record SemiCondition(JsonObject Query, bool Exists, bool Negated, JsonNode? Child, JsonNode At);

    private static SemiCondition? AsSemiCondition(JsonNode conjunct)
    {
        var node = conjunct;
        var negated = false;
        if (SqlTree.Class(node) == "OPERATOR" && SqlTree.Type(node) == "OPERATOR_NOT" && node["children"]!.AsArray() is [var only])
        {
            node = only!;
            negated = true;
        }
        if (SqlTree.Class(node) != "SUBQUERY") return null;
        var kind = SqlTree.Str(node, "subquery_type");
        if (kind == "SCALAR") return null;
        if (kind == "ANY" && SqlTree.Str(node, "comparison_type") != "COMPARE_EQUAL")
            throw new PlanException($"SQL: comparisons with ANY/ALL (subquery){SqlTree.At(node)} are not supported; use IN, or compare with min()/max() of the subquery", "ANY");
        if (kind is not ("EXISTS" or "ANY"))
            throw new PlanException($"SQL: {kind} subqueries{SqlTree.At(node)} are not supported", kind);
        return new SemiCondition(node["subquery"]!["node"]!.AsObject(), kind == "EXISTS", negated, node["child"], node);
    }

    /// <summary>Splits a subquery's correlated conditions into join keys (computed on its side) and residuals.</summary>
    private SqlRelation Correlate(SqlRelation relation, List<(JsonNode Bound, HashSet<string> Outer)> conditions, Correlation correlation)
    {
        var inner = relation.Columns.Select(c => c.Internal).ToHashSet();
        foreach (var (bound, outerRefs) in conditions)
        {
            correlation.OuterColumns.UnionWith(outerRefs);
            if (EquiSides(bound, inner, outerRefs) is { } sides)
            {
                var key = Fresh("_corr");
                relation = WithColumn(relation, key, sides.Left);
                correlation.Keys.Add((key, sides.Right));
            }
            else if (correlation.Mode != SubqueryMode.Scalar)
            {
                correlation.Residuals.Add(SqlTree.Render(bound));
                correlation.Carried.UnionWith(ExpressionBinder.References(bound).Where(inner.Contains));
            }
            else
                throw new PlanException(
                    $"SQL: the correlated condition '{SqlTree.Render(bound)}' in a scalar subquery must be an equality between an expression of the subquery and one of the enclosing query",
                    "WHERE");
        }
        return relation;
    }

    /// <summary>Plans the subquery of [NOT] EXISTS or [NOT] IN, and binds the left side of IN in <paramref name="scope"/>.</summary>
    private PlannedSemi PlanSemi(SemiCondition semi, SqlScope scope)
    {
        var correlation = new Correlation(semi.Exists ? SubqueryMode.Exists : SubqueryMode.In);
        var sub = PlanQuery(semi.Query, scope, correlation).Relation;
        if (semi.Exists) return new PlannedSemi(semi, correlation, sub, null);
        var visible = sub.Columns.Where(c => !c.Hidden).ToList();
        if (visible.Count != 1)
            throw new PlanException($"SQL: the subquery of IN{SqlTree.At(semi.At)} must return one column, not {visible.Count}", "IN");
        var binder = new ExpressionBinder(scope, "WHERE", Fresh) { Unread = unread };
        var child = binder.Bind(semi.Child!);
        if (binder.Subqueries.Count > 0) throw new PlanException($"SQL: a subquery on the left of IN{SqlTree.At(semi.At)} is not supported", "IN");
        return new PlannedSemi(semi, correlation, sub, child);
    }

    /// <summary>[NOT] EXISTS and [NOT] IN as semi and anti joins (decorrelated when the subquery names the enclosing query).</summary>
    private SqlRelation ApplySemi(SqlRelation relation, PlannedSemi planned)
    {
        var (semi, correlation, sub) = (planned.Semi, planned.Correlation, planned.Sub);
        var keys = new List<string>();
        relation = OuterKeys(relation, correlation, keys);
        string? probe = null;
        if (planned.Child is { } child)
        {
            probe = Fresh("_in");
            relation = WithColumn(relation, probe, SqlTree.Render(child));
            sub = WithColumn(sub, probe, Sql.Ident(sub.Columns.First(c => !c.Hidden).Internal));
            keys.Add(probe);
        }
        if (keys.Count == 0) keys.Add(ConstantKey(ref relation, ref sub));
        var residual = correlation.Residuals.Count == 0 ? null : string.Join(" AND ", correlation.Residuals.Select(r => $"({r})"));
        var joined = JoinOn(relation, sub, semi.Negated ? JoinType.Anti : JoinType.Semi, keys, residual, broadcast: false);
        if (!semi.Negated || semi.Exists) return joined;

        // NOT IN is unknown (so false) when the subquery holds a NULL, or when x is NULL and the subquery is not empty.
        if (correlation.Keys.Count > 0 || residual is not null)
            throw new PlanException($"SQL: NOT IN with a correlated subquery{SqlTree.At(semi.At)} is not supported; write NOT EXISTS", "NOT IN");
        var (rows, nulls) = (Fresh("_rows"), Fresh("_nulls"));
        var stats = new SqlRelation(AggregateBinder.Bind(sub.Plan, [], [$"count(*) AS {Sql.Ident(rows)}", $"count_if({Sql.Ident(probe!)} IS NULL) AS {Sql.Ident(nulls)}"]),
            [new BoundColumn(null, rows, rows, "BIGINT") { Hidden = true }, new BoundColumn(null, nulls, nulls, "BIGINT") { Hidden = true }]);
        var one = ConstantKey(ref joined, ref stats);
        var withStats = JoinOn(joined, stats, JoinType.Inner, [one], null, broadcast: true);
        return Filter(withStats, $"{Sql.Ident(rows)} = 0 OR ({Sql.Ident(probe!)} IS NOT NULL AND {Sql.Ident(nulls)} = 0)");
    }

    /// <summary>The enclosing query's side of a correlation: each key's outer expression as a column, named as the subquery names it.</summary>
    private SqlRelation OuterKeys(SqlRelation relation, Correlation correlation, List<string> keys)
    {
        foreach (var (key, outerSql) in correlation.Keys)
        {
            relation = WithColumn(relation, key, outerSql);
            keys.Add(key);
        }
        return relation;
    }

    /// <summary>A key both sides hold as the constant 1, for a join without an equality (every row meets every row).</summary>
    private string ConstantKey(ref SqlRelation left, ref SqlRelation right)
    {
        var key = Fresh("_key");
        left = WithColumn(left, key, "1");
        right = WithColumn(right, key, "1");
        return key;
    }

    /// <summary>Scalar subqueries as left joins with their (one-row, or one-row-per-key) results.</summary>
    private SqlRelation JoinScalars(SqlRelation relation, List<PendingSubquery> subqueries, SqlScope scope)
    {
        foreach (var p in subqueries)
        {
            var correlation = new Correlation(SubqueryMode.Scalar);
            var result = PlanQuery(p.Query, scope, correlation);
            var sub = result.Relation;
            var visible = sub.Columns.Where(c => !c.Hidden).ToList();
            if (visible.Count != 1)
                throw new PlanException($"SQL: the scalar subquery in {p.Clause}{SqlTree.At(p.At)} must return one column, not {visible.Count}", "subquery");
            if (!result.SingleRow)
                throw new PlanException(
                    $"SQL: the scalar subquery in {p.Clause}{SqlTree.At(p.At)} may return more than one row; use an aggregate without GROUP BY, or LIMIT 1", "subquery");
            var keys = new List<string>();
            relation = OuterKeys(relation, correlation, keys);
            if (keys.Count == 0) keys.Add(ConstantKey(ref relation, ref sub));
            var joined = JoinOn(relation, sub, JoinType.Left, keys, null, broadcast: correlation.Keys.Count == 0);
            relation = WithColumn(joined, p.Placeholder, Sql.Ident(visible[0].Internal));
            relation = relation with { Columns = [.. relation.Columns.Select(c => c == visible[0] ? c with { Hidden = true } : c)] };
        }
        return relation;
    }
}
