using System.Text.Json.Nodes;
using Glint.Common;
using Glint.Plan;

namespace Glint.SqlFrontend;

/// <summary>Joins: keys and residuals of one join, and the order of a FROM clause's inner joins.</summary>
internal sealed partial class SqlPlanner
{
    private static JsonObject Equal(JsonNode left, JsonNode right) => new()
    {
        ["class"] = "COMPARISON",
        ["type"] = "COMPARE_EQUAL",
        ["alias"] = "",
        ["query_location"] = 0,
        ["left"] = left,
        ["right"] = right,
    };

    /// <summary>
    /// One join: conditions on one side only are pushed below it where that keeps the join's meaning,
    /// equalities between the sides become keys (each side computes its key column), the rest is a
    /// residual condition. Without an equality the sides meet on a constant key.
    /// </summary>
    private SqlRelation BuildJoin(SqlRelation left, SqlRelation right, JoinType type, List<JsonNode> conditions)
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
        return JoinOn(left, right, type, keyNames, residual.Count == 0 ? null : string.Join(" AND ", residual.Select(r => $"({r})")), broadcast: false);
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
    /// <summary>
    /// Joins the FROM inputs. Conditions on one input are applied to it first; so are the uncorrelated semi joins
    /// of <paramref name="semis"/> that read one input only (removed from the list; the caller applies the rest after).
    /// </summary>
    private SqlRelation Graph(List<SqlRelation> leaves, List<JsonNode> conditions, List<PlannedSemi>? semis = null)
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
        // Only uncorrelated ones: an IN over a set computed once is usually selective, while a correlated EXISTS on
        // a large input runs better after the other joins have shrunk it (TPC-H Q21 took twice as long pushed down).
        foreach (var semi in semis?.Where(s => s.Correlation.Keys.Count == 0 && s.Correlation.Residuals.Count == 0).ToList() ?? [])
        {
            var touched = semi.Reads.Select(r => owner.TryGetValue(r, out var i) ? i : -1).ToHashSet();
            if (touched.Count != 1 || touched.First() < 0) continue;
            leaves[touched.First()] = ApplySemi(leaves[touched.First()], semi);
            semis!.Remove(semi);
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
            current = BuildJoin(current, leaves[next], JoinType.Inner, [.. now.Select(p => p.Condition)]);
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
        DatabaseScanNode d => d.Source.EstimatedBytes,
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
