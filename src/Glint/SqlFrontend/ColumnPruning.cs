using Glint.Common;
using Glint.Plan;

namespace Glint.SqlFrontend;

/// <summary>
/// Column pruning for plans built outside SQL (job specs, the DataFrame API): where rows of a scan cross a shuffle (a join, a
/// full-shuffle aggregate, distinct, repartition, a global sort), the scan is narrowed to the columns something above it names,
/// so map tasks write only those into the exchange — as the SQL front end does by reading each input with the columns the query
/// names. Inside one stage DuckDB prunes columns itself, so a scan with no shuffle above it is left as it is.
/// </summary>
/// <remarks>
/// Plans are DAGs: a transform read by two targets is one node, which the physical planner computes once. So what each node
/// must keep is first gathered from all its consumers (parents before children), and each node is then rewritten once.
/// </remarks>
internal static class ColumnPruning
{
    /// <summary>What consumers read of a node: its columns (null: all of them), and whether its rows cross a shuffle first.</summary>
    private sealed record Demand(HashSet<string>? Needed, bool CrossesShuffle)
    {
        public static readonly Demand All = new(null, false);
        public Demand Merge(Demand other) => new(Union(Needed, other.Needed), CrossesShuffle || other.CrossesShuffle);
    }

    public static IReadOnlyList<LogicalNode> Apply(IReadOnlyList<LogicalNode> roots)
    {
        var order = new List<LogicalNode>();
        var seen = new HashSet<LogicalNode>(ReferenceEqualityComparer.Instance);
        void Visit(LogicalNode node)
        {
            if (!seen.Add(node)) return;
            foreach (var child in node.Children) Visit(child);
            order.Add(node);
        }
        foreach (var root in roots) Visit(root);
        var demand = new Dictionary<LogicalNode, Demand>(ReferenceEqualityComparer.Instance);
        foreach (var root in roots) demand[root] = Demand.All;
        order.Reverse();   // every node after all its consumers
        foreach (var node in order)
            foreach (var (child, wanted) in Demands(node, demand[node]))
                demand[child] = demand.TryGetValue(child, out var known) ? known.Merge(wanted) : wanted;
        var rewritten = new Dictionary<LogicalNode, LogicalNode>(ReferenceEqualityComparer.Instance);
        LogicalNode Rewrite(LogicalNode node) =>
            rewritten.TryGetValue(node, out var done) ? done : rewritten[node] = Rebuild(node, demand[node], Rewrite);
        return [.. roots.Select(Rewrite)];
    }

    /// <summary>What a node reads of each child, given what is read of it.</summary>
    private static IEnumerable<(LogicalNode Child, Demand Demand)> Demands(LogicalNode node, Demand d) => node switch
    {
        FilterNode f => [(f.Input, new(Union(d.Needed, Condition(f.Condition)), d.CrossesShuffle))],
        LimitNode l => [(l.Input, d with { CrossesShuffle = true })],   // each task keeps its first rows, then one task gathers them
        CoalesceNode c => [(c.Input, d)],
        ProjectNode p => [(p.Input, new(Expressions(p.Expressions), false))],
        AggregateNode a => [(a.Input, new(Union(Expressions(a.Aggregates), a.Keys), a.Split is null))],
        DistinctNode dn => [(dn.Input, new(dn.Keys.IsEmpty ? null : Union(d.Needed, dn.Keys), true))],
        RepartitionNode r => [(r.Input, new(Union(d.Needed, r.Keys), true))],
        SortNode s => [(s.Input, new(Union(d.Needed, s.Keys.Select(k => k.Column)), d.CrossesShuffle || s.Global))],
        JoinNode j => JoinDemands(j, d),
        WindowNode w => [(w.Input, new(null, true))],
        // Nodes whose output schema was fixed from all their input's columns take their input whole.
        _ => node.Children.Select(c => (c, Demand.All)),
    };

    private static IEnumerable<(LogicalNode, Demand)> JoinDemands(JoinNode j, Demand d)
    {
        var residual = j.Residual is null ? Names([]) : Condition(j.Residual);
        if (d.Needed is null || residual is null) return [(j.Left, new(null, true)), (j.Right, new(null, true))];
        Demand Side(LogicalNode side) => new(Names(side.Schema.Names.Where(n =>
            d.Needed.Contains(n) || residual.Contains(n) || j.Keys.Contains(n, StringComparer.OrdinalIgnoreCase))), true);
        return [(j.Left, Side(j.Left)), (j.Right, Side(j.Right))];
    }

    /// <summary>The node with its children rewritten; a scan under a shuffle narrowed to what is read of it.</summary>
    private static LogicalNode Rebuild(LogicalNode node, Demand d, Func<LogicalNode, LogicalNode> rewrite)
    {
        switch (node)
        {
            case ScanNode scan:
                return d is { CrossesShuffle: true, Needed: { } needed } ? Narrow(scan, needed) : scan;
            case JoinNode j:
                var (left, right) = (rewrite(j.Left), rewrite(j.Right));
                if (ReferenceEquals(left, j.Left) && ReferenceEquals(right, j.Right)) return j;
                if (left.Schema.Columns.Length == j.Left.Schema.Columns.Length && right.Schema.Columns.Length == j.Right.Schema.Columns.Length)
                    return j with { Left = left, Right = right };
                return WideBinder.Join(left, right, j.Keys, j.Type, j.BroadcastHint, j.Residual) with { Salt = j.Salt };
            case UnionNode u:
                var inputs = u.Inputs.Select(rewrite).ToList();
                return inputs.Zip(u.Inputs).All(p => ReferenceEquals(p.First, p.Second)) ? u : u with { Inputs = [.. inputs] };
        }
        var children = node.Children.ToList();
        if (children.Count != 1) return node;
        var input = rewrite(children[0]);
        if (ReferenceEquals(input, children[0])) return node;
        return node switch
        {
            // A filter's own columns need not cross the shuffle above it: only what is read after it.
            FilterNode f when d is { CrossesShuffle: true, Needed: { } needed } && f.Schema.Names.Any(n => !needed.Contains(n)) =>
                Binder.Project(f with { Input = input }, [.. f.Schema.Names.Where(needed.Contains).DefaultIfEmpty(f.Schema.Names.First()).Select(Sql.Ident)]),
            FilterNode f => f with { Input = input },
            LimitNode l => l with { Input = input },
            CoalesceNode c => c with { Input = input },
            ProjectNode p => p with { Input = input },
            AggregateNode a => a with { Input = input },
            DistinctNode dn => dn with { Input = input },
            RepartitionNode r => r with { Input = input },
            SortNode s => s with { Input = input },
            WindowNode w => w with { Input = input },
            WithColumnNode w => w with { Input = input },
            MapSqlNode m => m with { Input = input },
            _ => throw new InvalidOperationException($"column pruning cannot rebuild {node.GetType().Name}"),
        };
    }

    private static LogicalNode Narrow(ScanNode scan, HashSet<string> needed)
    {
        var keep = scan.Schema.Columns.Where(c => needed.Contains(c.Name)).ToList();
        if (keep.Count == scan.Schema.Columns.Length) return scan;
        if (keep.Count == 0) keep.Add(scan.Schema.Columns[0]);   // count(*) still needs rows
        return Binder.Project(scan, [.. keep.Select(c => Sql.Ident(c.Name))]);
    }

    private static HashSet<string>? Union(HashSet<string>? needed, IEnumerable<string>? more) =>
        needed is null || more is null ? null : Names(needed.Concat(more));

    private static HashSet<string> Names(IEnumerable<string> names) => new(names, StringComparer.OrdinalIgnoreCase);

    /// <summary>Every name a condition's column references use (each part, so a struct field keeps its column); null when it reads *.</summary>
    private static HashSet<string>? Condition(string condition) =>
        Parsed($"SELECT * FROM input WHERE ({condition})") is { } query ? References(query["where_clause"]!) : null;

    private static HashSet<string>? Expressions(IEnumerable<string> expressions)
    {
        var all = Names([]);
        foreach (var e in expressions)
        {
            if (Parsed($"SELECT {e} FROM input") is not { } query) return null;
            foreach (var item in query["select_list"]!.AsArray())
                if (References(item!) is { } refs) all.UnionWith(refs);
                else return null;
        }
        return all;
    }

    /// <summary>The query tree, or null for text this rewrite cannot read (it then keeps every column: pruning is only ever an optimisation).</summary>
    private static System.Text.Json.Nodes.JsonObject? Parsed(string sql)
    {
        try { return SqlTree.ParseQuery(sql); }
        catch (Common.PlanException) { return null; }
    }

    private static HashSet<string>? References(System.Text.Json.Nodes.JsonNode expression)
    {
        var nodes = SqlTree.Descendants(expression).ToList();
        if (nodes.Any(n => SqlTree.Class(n) is "STAR" or "SUBQUERY" or "LAMBDA")) return null;
        return Names(nodes.Where(n => SqlTree.Class(n) == "COLUMN_REF").SelectMany(SqlTree.ColumnNames));
    }
}
