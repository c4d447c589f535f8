using System.Collections.Immutable;
using Glint.Common;
using Glint.Plan;

namespace Glint.SqlFrontend;

/// <summary>
/// Partition pruning for filters written outside SQL (a job spec's <c>filter:</c>, <c>DataFrame.Filter</c>, a catalog table read
/// and then filtered): the conjuncts of a condition that name only partition columns of the scan below drop the files whose
/// folders fail them, before any split is planned — as the SQL front end does for its WHERE clauses. The whole condition is
/// still applied to the rows, so pruning changes what is read, never what comes out.
/// </summary>
internal static class FilterPushdown
{
    /// <summary>The input with the scan under it narrowed to the partitions <paramref name="condition"/> can keep; the input itself when nothing prunes.</summary>
    public static LogicalNode Prune(LogicalNode input, string condition)
    {
        if (Scan(input) is not { Source.PartitionColumns.IsEmpty: false } scan) return input;
        var partitionColumns = scan.Source.PartitionColumns.Select(c => c.Name).ToHashSet(StringComparer.OrdinalIgnoreCase);
        var where = SqlTree.ParseQuery($"SELECT * FROM input WHERE ({condition})")["where_clause"];
        var onPartitions = SqlTree.Conjuncts(where).Where(c =>
            !SqlTree.Descendants(c).Any(n => SqlTree.Class(n) is "SUBQUERY" or "STAR") &&
            SqlTree.Descendants(c).Where(n => SqlTree.Class(n) == "COLUMN_REF").Select(n => SqlTree.ColumnNames(n).ToList()).ToList() is { Count: > 0 } refs &&
            refs.All(parts => parts.Count == 1 && partitionColumns.Contains(parts[0]) && PassesThrough(input, parts[0]))).ToList();
        if (onPartitions.Count == 0) return input;
        var conjunction = string.Join(" AND ", onPartitions.Select(c => $"({SqlTree.Render(c)})"));
        var names = scan.Source.PartitionColumns.ToImmutableDictionary(c => c.Name, c => c.Name, StringComparer.OrdinalIgnoreCase);
        return Replace(input, new ScanNode(PartitionPruner.Prune(scan.Source, conjunction, names)));
    }

    /// <summary>The scan at the bottom of a chain of filters and projections, or null.</summary>
    private static ScanNode? Scan(LogicalNode node) => node switch
    {
        ScanNode s => s,
        FilterNode f => Scan(f.Input),
        ProjectNode p => Scan(p.Input),
        _ => null,
    };

    /// <summary>Whether the column reaches <paramref name="node"/> unchanged from the scan: filters keep it, a projection must select it as itself.</summary>
    private static bool PassesThrough(LogicalNode node, string column) => node switch
    {
        ScanNode => true,
        FilterNode f => PassesThrough(f.Input, column),
        ProjectNode p => p.Expressions.Any(e => IsColumn(e, column)) && PassesThrough(p.Input, column),
        _ => false,
    };

    private static bool IsColumn(string expression, string column)
    {
        var e = expression.Trim();
        return string.Equals(e, column, StringComparison.OrdinalIgnoreCase) || string.Equals(e, Sql.Ident(column), StringComparison.OrdinalIgnoreCase)
            || e.Equals($"{Sql.Ident(column)} AS {Sql.Ident(column)}", StringComparison.OrdinalIgnoreCase);
    }

    private static LogicalNode Replace(LogicalNode node, ScanNode pruned) => node switch
    {
        ScanNode => pruned,
        FilterNode f => f with { Input = Replace(f.Input, pruned) },
        ProjectNode p => p with { Input = Replace(p.Input, pruned) },
        _ => node,
    };
}
