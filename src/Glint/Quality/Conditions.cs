using System.Globalization;
using Glint.Common;

namespace Glint.Quality;

/// <summary>
/// Conditions decided two ways: on a metric in C# (with the job's metric history for dynamic rules), and on each row's value
/// as a SQL predicate the physical operators carry into every task. <c>between</c> excludes both ends, as DQDL's reference evaluator does.
/// </summary>
internal sealed class Conditions(DqRuleset ruleset, DateTime nowUtc)
{
    public DqRuleset Ruleset => ruleset;

    /// <summary>The last k values of the rule's metric in earlier runs, newest first.</summary>
    public delegate IReadOnlyList<double> History(int k);

    /// <summary>Whether the metric meets the condition; null when a dynamic rule has no earlier run to compare with.</summary>
    public bool? Holds(DqCondition c, double value, History history)
    {
        var operands = new List<double>();
        foreach (var operand in c.Operands)
        {
            if (Resolve(operand) is DqList list)
            {
                foreach (var item in list.Items)
                    if (Number(item, history) is { } n) operands.Add(n); else return null;
                continue;
            }
            if (Number(operand, history) is { } x) operands.Add(x); else return null;
        }
        var holds = c.Operator switch
        {
            DqOperator.Equal => value == operands[0],
            DqOperator.NotEqual => value != operands[0],
            DqOperator.Greater => value > operands[0],
            DqOperator.GreaterOrEqual => value >= operands[0],
            DqOperator.Less => value < operands[0],
            DqOperator.LessOrEqual => value <= operands[0],
            DqOperator.Between => value > operands[0] && value < operands[1],
            DqOperator.In => operands.Contains(value),
            _ => false,
        };
        return c.Negated ? !holds : holds;
    }

    private DqExpr Resolve(DqExpr e) => DqdlChecks.Resolve(e, ruleset);

    /// <summary>A numeric operand's value; null when it reads a history that is empty.</summary>
    private double? Number(DqExpr e, History history) => Resolve(e) switch
    {
        DqNumber n => n.Value,
        DqQuantity q => q.Seconds ?? q.Amount,
        DqNegate n => -Number(n.Operand, history),
        DqBinary b => Number(b.Left, history) is { } l && Number(b.Right, history) is { } r
            ? b.Operator switch { '+' => l + r, '-' => l - r, '*' => l * r, _ => l / r }
            : null,
        DqCall { Arguments: [DqCall { Arguments: [DqNumber k] }] } call => Aggregate(call.Name, history((int)k.Value)),
        var other => throw new RulesetException($"ruleset {other.At}: '{other}' is not a number"),
    };

    private static double? Aggregate(string function, IReadOnlyList<double> values)
    {
        if (values.Count == 0) return null;
        return function switch
        {
            "min" => values.Min(),
            "max" => values.Max(),
            "sum" => values.Sum(),
            "std" or "stddev" => Math.Sqrt(values.Select(v => (v - values.Average()) * (v - values.Average())).Sum() / values.Count),
            _ => values.Average(),
        };
    }

    /// <summary>The condition on each row's value (<paramref name="value"/> is SQL) as a SQL predicate that is never NULL: a NULL value fails unless the condition names NULL.</summary>
    public string Predicate(DqCondition c, string value)
    {
        var operands = c.Operands.Select(Resolve).ToList();
        string Op(string op) => $"{value} {op} {Literal(operands[0], value)}";
        var predicate = c.Operator switch
        {
            DqOperator.Equal => Equal(operands[0], value),
            DqOperator.NotEqual => $"NOT ({Equal(operands[0], value)})",
            DqOperator.Greater => Op(">"),
            DqOperator.GreaterOrEqual => Op(">="),
            DqOperator.Less => Op("<"),
            DqOperator.LessOrEqual => Op("<="),
            DqOperator.Between => $"({value} > {Literal(operands[0], value)} AND {value} < {Literal(operands[1], value)})",
            DqOperator.In => "(" + string.Join(" OR ", ((DqList)operands[0]).Items.Select(i => Equal(Resolve(i), value))) + ")",
            _ => $"regexp_full_match(CAST({value} AS VARCHAR), {Sql.Literal(((DqString)operands[0]).Value)})",
        };
        var names = NamesNull(operands);
        var decided = c.Negated ? $"NOT ({predicate})" : predicate;
        // A comparison with NULL is NULL: the row fails, unless the condition itself is about NULL (= NULL, != NULL, in [..., NULL]).
        return names ? $"coalesce({decided}, FALSE)" : $"({value} IS NOT NULL AND coalesce({decided}, FALSE))";
    }

    private static bool NamesNull(IEnumerable<DqExpr> operands) =>
        operands.Any(o => o is DqKeyword { Keyword: "NULL" } || o is DqList l && l.Items.Any(i => i is DqKeyword { Keyword: "NULL" }));

    private string Equal(DqExpr operand, string value) => operand switch
    {
        DqKeyword { Keyword: "NULL" } => $"{value} IS NULL",
        DqKeyword { Keyword: "EMPTY" } => $"CAST({value} AS VARCHAR) = ''",
        DqKeyword => $"(length(CAST({value} AS VARCHAR)) > 0 AND trim(CAST({value} AS VARCHAR)) = '')",
        _ => $"{value} = {Literal(operand, value)}",
    };

    /// <summary>An operand as a SQL literal: strings quoted (DuckDB casts them to the column's type), numbers, now() as a timestamp fixed when the run was planned.</summary>
    private string Literal(DqExpr operand, string value) => Resolve(operand) switch
    {
        DqString s => Sql.Literal(s.Value),
        DqNumber n => Num(n.Value),
        var e when DqdlChecks.IsDate(e) => $"TIMESTAMP '{Date(e):yyyy-MM-dd HH:mm:ss.ffffff}'",
        var e => Number(e, _ => []) is { } n ? Num(n) : throw new RulesetException($"ruleset {e.At}: '{e}' cannot be compared with {value}"),
    };

    private DateTime Date(DqExpr e) => e switch
    {
        DqBinary { Left: var l, Operator: var op, Right: DqQuantity q } => Date(l).AddSeconds(op == '+' ? q.Seconds!.Value : -q.Seconds!.Value),
        _ => nowUtc,
    };

    internal static string Num(double value) => value.ToString("R", CultureInfo.InvariantCulture);
}
