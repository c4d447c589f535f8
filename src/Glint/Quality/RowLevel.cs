using Glint.Common;

namespace Glint.Quality;

/// <summary>Rules that decide row by row, as SQL predicates over each row (rows outside a rule's where clause pass it).</summary>
internal static class RowLevel
{
    public const string EmptyList = "CAST([] AS VARCHAR[])";

    /// <summary>The rule's predicate, or null when it decides on the whole data (RowCount, Uniqueness, …) and is skipped row by row.</summary>
    public static string? Predicate(DqRule rule, RuleContext ctx)
    {
        if (rule is DqComposite composite)
        {
            var operands = composite.Operands.Select(o => Predicate(o, ctx)).ToList();
            return operands.Any(o => o is null) ? null : string.Join(composite.And ? " AND " : " OR ", operands.Select(o => $"({o})"));
        }
        var call = (DqRuleCall)rule;
        if (!RuleType.All[call.Type].RowLevel) return null;
        var leaf = new Leaf(call, ctx, analyzer: false);
        var c = call.Type is "ColumnDataType" ? "" : leaf.Column(0);
        var predicate = call.Type switch
        {
            "IsComplete" or "Completeness" => $"{c} IS NOT NULL",
            "ColumnValues" => ctx.Conditions.Predicate(call.Condition!, c),
            "ColumnLength" => $"({c} IS NULL OR {ctx.Conditions.Predicate(call.Condition!, $"length(CAST({c} AS VARCHAR))")})",
            "DataFreshness" => ctx.Conditions.Predicate(call.Condition!, RuleChecks.Age(leaf)),
            _ => RuleChecks.DataType(leaf),
        };
        return call.Where is null ? predicate : $"(NOT {leaf.Where} OR {predicate})";
    }

    /// <summary>A VARCHAR[] of the rules whose condition holds for the row.</summary>
    public static string Listed(IEnumerable<(string Rule, string Condition)> rules) =>
        rules.Aggregate(EmptyList, (list, r) => $"list_concat({list}, CASE WHEN {r.Condition} THEN [{Sql.Literal(r.Rule)}] ELSE {EmptyList} END)");
}
