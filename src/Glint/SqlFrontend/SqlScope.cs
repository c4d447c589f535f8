using System.Collections.Immutable;
using Glint.Common;
using Glint.Plan;

namespace Glint.SqlFrontend;

/// <summary>
/// A column as SQL sees it: the relation name that qualifies it, the user's name, and the unique
/// name it has inside the plan (<c>name#n</c>), so self-joins and subqueries never clash.
/// </summary>
internal sealed record BoundColumn(string? Qualifier, string Name, string Internal, string Type)
{
    /// <summary>Resolvable without a qualifier (false for the second copy of a USING column).</summary>
    public bool Unqualified { get; init; } = true;
    /// <summary>Part of <c>*</c>.</summary>
    public bool InStar { get; init; } = true;
    /// <summary>Made by the planner (join keys, subquery results); never shown or resolved by name.</summary>
    public bool Hidden { get; init; }
}

/// <summary>A logical plan with the SQL names of its columns.</summary>
internal sealed record SqlRelation(LogicalNode Plan, ImmutableArray<BoundColumn> Columns)
{
    public SqlRelation WithPlan(LogicalNode plan) => this with { Plan = plan };
    public SqlRelation Add(LogicalNode plan, BoundColumn column) => new(plan, Columns.Add(column));
    public string TypeOf(string internalName) => Plan.Schema.Require(internalName, "sql").Type;
}

/// <summary>The columns an expression may name, and the enclosing query's scope for correlated subqueries.</summary>
internal sealed class SqlScope(IReadOnlyList<BoundColumn> columns, SqlScope? outer = null)
{
    public IReadOnlyList<BoundColumn> Columns => columns;
    public SqlScope? Outer => outer;

    /// <summary>The column a reference names and how many scopes out it was found (0 = this query).</summary>
    public (BoundColumn Column, int Depth)? TryResolve(IReadOnlyList<string> parts, string where)
    {
        var depth = 0;
        for (var scope = this; scope is not null; scope = scope.Outer, depth++)
            if (scope.Find(parts, where) is { } found) return (found, depth);
        return null;
    }

    private BoundColumn? Find(IReadOnlyList<string> parts, string where)
    {
        var name = parts[^1];
        List<BoundColumn> matches;
        if (parts.Count == 1)
            matches = columns.Where(c => !c.Hidden && c.Unqualified && Same(c.Name, name)).ToList();
        else
        {
            var qualifier = parts[^2];
            matches = columns.Where(c => !c.Hidden && c.Qualifier is not null && Same(c.Qualifier, qualifier) && Same(c.Name, name)).ToList();
        }
        if (matches.Select(m => m.Internal).Distinct().Count() > 1)
            throw new PlanException(
                $"SQL: column reference '{string.Join(".", parts)}' is ambiguous{where}: it could be " +
                string.Join(" or ", matches.Select(m => $"{m.Qualifier}.{m.Name}")) + "; qualify it with its table name or alias",
                string.Join(".", parts));
        return matches.FirstOrDefault();
    }

    /// <summary>The names a reference may use here, qualified where they have a relation.</summary>
    public IEnumerable<string> Names() =>
        columns.Where(c => !c.Hidden).Select(c => c.Qualifier is null ? c.Name : $"{c.Qualifier}.{c.Name}").Distinct();

    public static bool Same(string a, string b) => string.Equals(a, b, StringComparison.OrdinalIgnoreCase);
}
