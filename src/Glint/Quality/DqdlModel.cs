using System.Collections.Immutable;
using System.Globalization;

namespace Glint.Quality;

/// <summary>Where something stands in a ruleset's text (1-based).</summary>
public sealed record DqdlPosition(int Line, int Column)
{
    public override string ToString() => $"line {Line}, column {Column}";
}

/// <summary>An operand of a condition: a number, string, keyword, duration, now(), a call over the metric history, arithmetic.</summary>
public abstract record DqExpr(DqdlPosition At)
{
    internal static string Number(double value) => value.ToString("0.################", CultureInfo.InvariantCulture);
}

/// <summary>A number literal.</summary>
public sealed record DqNumber(DqdlPosition At, double Value) : DqExpr(At)
{
    public override string ToString() => Number(Value);
}

/// <summary>A quoted string.</summary>
public sealed record DqString(DqdlPosition At, string Value) : DqExpr(At)
{
    public override string ToString() => "\"" + Value.Replace("\\", "\\\\").Replace("\"", "\\\"") + "\"";
}

/// <summary>NULL, EMPTY or WHITESPACES_ONLY.</summary>
public sealed record DqKeyword(DqdlPosition At, string Keyword) : DqExpr(At)
{
    public override string ToString() => Keyword;
}

/// <summary>A duration ("24 hours") or a size ("5 MB"): the amount and its unit as written.</summary>
public sealed record DqQuantity(DqdlPosition At, double Amount, string Unit) : DqExpr(At)
{
    /// <summary>The duration in seconds (days, hours, minutes, seconds).</summary>
    public double? Seconds => Unit.ToLowerInvariant() switch
    {
        "day" or "days" => Amount * 86400,
        "hour" or "hours" => Amount * 3600,
        "minute" or "minutes" => Amount * 60,
        "second" or "seconds" => Amount,
        _ => null,
    };

    public override string ToString() => $"{Number(Amount)} {Unit}";
}

/// <summary>A function call: now(), last(k), avg(…), min(…), max(…), sum(…), std(…).</summary>
public sealed record DqCall(DqdlPosition At, string Name, ImmutableArray<DqExpr> Arguments) : DqExpr(At)
{
    public override string ToString() => $"{Name}({string.Join(", ", Arguments)})";
}

/// <summary>Arithmetic: + - * /.</summary>
public sealed record DqBinary(DqdlPosition At, char Operator, DqExpr Left, DqExpr Right) : DqExpr(At)
{
    public override string ToString() => $"({Left} {Operator} {Right})";
}

/// <summary>A negated operand.</summary>
public sealed record DqNegate(DqdlPosition At, DqExpr Operand) : DqExpr(At)
{
    public override string ToString() => $"-{Operand}";
}

/// <summary>A list, [a, b, …].</summary>
public sealed record DqList(DqdlPosition At, ImmutableArray<DqExpr> Items) : DqExpr(At)
{
    public override string ToString() => "[" + string.Join(",", Items) + "]";
}

/// <summary>A variable's value, $name.</summary>
public sealed record DqVariable(DqdlPosition At, string Name) : DqExpr(At)
{
    public override string ToString() => "$" + Name;
}

/// <summary>How a condition compares.</summary>
public enum DqOperator { Equal, NotEqual, Greater, GreaterOrEqual, Less, LessOrEqual, Between, In, Matches }

/// <summary>A condition on a rule's value: an operator, its operands, and whether it is negated (not between, not in, not matches).</summary>
public sealed record DqCondition(DqdlPosition At, DqOperator Operator, ImmutableArray<DqExpr> Operands, bool Negated = false)
{
    public override string ToString()
    {
        var not = Negated ? "not " : "";
        return Operator switch
        {
            DqOperator.Equal => $"= {Operands[0]}",
            DqOperator.NotEqual => $"!= {Operands[0]}",
            DqOperator.Greater => $"> {Operands[0]}",
            DqOperator.GreaterOrEqual => $">= {Operands[0]}",
            DqOperator.Less => $"< {Operands[0]}",
            DqOperator.LessOrEqual => $"<= {Operands[0]}",
            DqOperator.Between => $"{not}between {Operands[0]} and {Operands[1]}",
            DqOperator.In => $"{not}in {Operands[0]}",
            _ => $"{not}matches {Operands[0]}",
        };
    }
}

/// <summary>A rule of a ruleset: one rule type applied, or a composite of rules.</summary>
public abstract record DqRule(DqdlPosition At);

/// <summary>One rule: its type, parameters, condition, where clause, labels and threshold.</summary>
public sealed record DqRuleCall(DqdlPosition At, string Type, ImmutableArray<string> Parameters, DqCondition? Condition, string? Where,
    ImmutableDictionary<string, string> Labels, DqCondition? Threshold) : DqRule(At)
{
    public override string ToString()
    {
        var parts = new List<string> { Type };
        parts.AddRange(Parameters.Select(p => new DqString(At, p).ToString()));
        if (Condition is not null) parts.Add(Condition.ToString());
        if (Where is not null) parts.Add("where " + new DqString(At, Where));
        if (Threshold is not null) parts.Add("with threshold " + Threshold);
        return string.Join(" ", parts);
    }
}

/// <summary>Rules joined by and / or; each operand was written in parentheses.</summary>
public sealed record DqComposite(DqdlPosition At, bool And, ImmutableArray<DqRule> Operands) : DqRule(At)
{
    public override string ToString() => string.Join(And ? " and " : " or ", Operands.Select(o => $"({o})"));
}

/// <summary>A parsed ruleset: its rules and analyzers, variables, labels, metadata and data sources.</summary>
public sealed record DqRuleset(
    ImmutableArray<DqRule> Rules,
    ImmutableArray<DqRule> Analyzers,
    ImmutableDictionary<string, DqExpr> Variables,
    ImmutableDictionary<string, string> DefaultLabels,
    ImmutableDictionary<string, ImmutableArray<string>> Metadata,
    ImmutableDictionary<string, ImmutableArray<string>> DataSources)
{
    /// <summary>Parses DQDL text; a mistake is a <see cref="Common.RulesetException"/> naming its line and column.</summary>
    public static DqRuleset Parse(string text) => DqdlParser.Parse(text);
}
