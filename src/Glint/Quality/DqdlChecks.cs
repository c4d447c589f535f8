using System.Text.RegularExpressions;
using Glint.Common;

namespace Glint.Quality;

/// <summary>What the grammar alone does not refuse: unknown rule types, parameter counts, conditions a rule type cannot take, unknown variables.</summary>
internal static class DqdlChecks
{
    private static readonly HashSet<string> HistoryFunctions = ["avg", "average", "min", "max", "sum", "std", "stddev"];

    public static DqRuleset Check(DqRuleset ruleset)
    {
        foreach (var (name, value) in ruleset.Variables)
            if (value is not (DqList or DqString or DqNumber))
                throw new RulesetException($"ruleset {value.At}: variable '{name}' must be a list, a string or a number");
        foreach (var rule in ruleset.Rules) Rule(rule, ruleset, analyzer: false);
        foreach (var rule in ruleset.Analyzers) Rule(rule, ruleset, analyzer: true);
        return ruleset;
    }

    private static void Rule(DqRule rule, DqRuleset ruleset, bool analyzer)
    {
        if (rule is DqComposite composite)
        {
            if (analyzer) throw new RulesetException($"ruleset {rule.At}: Analyzers take no composite rules");
            foreach (var operand in composite.Operands) Rule(operand, ruleset, analyzer);
            return;
        }
        var call = (DqRuleCall)rule;
        var type = TypeOf(call);
        var where = $"ruleset {call.At}: {call.Type}";
        if (call.Parameters.Length < type.MinParameters || call.Parameters.Length > type.MaxParameters)
            throw new RulesetException($"{where} takes {Count(type)}, not {call.Parameters.Length}");
        if (call.Parameters.Any(string.IsNullOrWhiteSpace)) throw new RulesetException($"{where}: a parameter is empty");
        if (call.Where is not null && !type.Where) throw new RulesetException($"{where} takes no where clause");
        if (call.Where is { } w && string.IsNullOrWhiteSpace(w)) throw new RulesetException($"{where}: the where clause is empty");
        if (call.Threshold is not null && !type.Threshold) throw new RulesetException($"{where} takes no 'with threshold'");
        if (type.AnalyzerOnly && !analyzer) throw new RulesetException($"{where} is an analyzer: list it under Analyzers");
        if (analyzer)
        {
            if (call.Condition is not null || call.Threshold is not null)
                throw new RulesetException($"{where}: an analyzer takes no condition (it only computes metrics)");
            return;
        }
        if (call.Condition is null && type.Condition != ConditionKind.None && !type.ConditionOptional)
            throw new RulesetException($"{where} needs a condition, e.g. {Example(type)}");
        if (call.Condition is { } c)
        {
            if (type.Condition == ConditionKind.None) throw new RulesetException($"ruleset {c.At}: {call.Type} takes no condition");
            Condition(c, type.Condition, call.Type, ruleset);
        }
        if (call.Threshold is { } t) Condition(t, ConditionKind.Number, call.Type + "'s threshold", ruleset);
        if (call.Type == "ColumnNamesMatchPattern") Pattern(call.Parameters[0], call.At);
    }

    private static RuleType TypeOf(DqRuleCall call)
    {
        if (RuleType.All.TryGetValue(call.Type, out var type)) return type;
        if (RuleType.FileRules.Contains(call.Type))
            throw new RulesetException($"ruleset {call.At}: {call.Type} checks files, which Glint does not evaluate; check rows instead");
        throw new RulesetException($"ruleset {call.At}: unknown rule type '{call.Type}'{Suggestions.DidYouMean(call.Type, RuleType.All.Keys)}");
    }

    private static string Count(RuleType type) =>
        type.MinParameters == type.MaxParameters
            ? $"{type.MinParameters} parameter{(type.MinParameters == 1 ? "" : "s")}"
            : type.MaxParameters == int.MaxValue ? $"at least {type.MinParameters} parameter" : $"{type.MinParameters} to {type.MaxParameters} parameters";

    private static string Example(RuleType type) => type.Condition switch
    {
        ConditionKind.Duration => $"{type.Name} \"column\" <= 24 hours",
        ConditionKind.Type => $"{type.Name} \"column\" = \"Integer\"",
        ConditionKind.Values => $"{type.Name} \"column\" in [\"A\", \"B\"]",
        _ => type.MinParameters == 0 ? $"{type.Name} > 0" : $"{type.Name} \"column\" > 0.5",
    };

    private static void Condition(DqCondition c, ConditionKind kind, string rule, DqRuleset ruleset)
    {
        var at = $"ruleset {c.At}: {rule}";
        if (c.Operator == DqOperator.Matches && kind != ConditionKind.Values) throw new RulesetException($"{at} cannot use 'matches' (only ColumnValues can)");
        foreach (var operand in c.Operands) Operand(Resolve(operand, ruleset), kind, c, rule);
        if (c.Operator == DqOperator.Matches && Resolve(c.Operands[0], ruleset) is DqString pattern) Pattern(pattern.Value, c.At);
        if (kind == ConditionKind.Type && c.Operator is not (DqOperator.Equal or DqOperator.In))
            throw new RulesetException($"{at} compares a type with = or in, not '{c}'");
        if (kind == ConditionKind.Duration && c.Operator == DqOperator.In) throw new RulesetException($"{at} compares durations with = < <= > >= or between, not in");
    }

    /// <summary>A variable's value (checked to exist); other operands as they are.</summary>
    internal static DqExpr Resolve(DqExpr operand, DqRuleset ruleset) => operand is DqVariable v
        ? ruleset.Variables.TryGetValue(v.Name, out var value) ? value
            : throw new RulesetException($"ruleset {v.At}: variable '${v.Name}' is not declared{Suggestions.DidYouMean(v.Name, ruleset.Variables.Keys)}")
        : operand;

    private static void Operand(DqExpr e, ConditionKind kind, DqCondition c, string rule)
    {
        var at = $"ruleset {e.At}: {rule}";
        switch (e)
        {
            case DqList list:
                if (c.Operator != DqOperator.In) throw new RulesetException($"{at}: a list is only compared with 'in'");
                if (list.Items.IsEmpty) throw new RulesetException($"{at}: the list is empty");
                foreach (var item in list.Items) Operand(item, kind, c with { Operator = DqOperator.Equal }, rule);
                return;
            case DqString s when kind == ConditionKind.Type:
                if (!RuleType.DataTypes.ContainsKey(s.Value))
                    throw new RulesetException($"{at}: unknown type \"{s.Value}\"{Suggestions.DidYouMean(s.Value, RuleType.DataTypes.Keys)}");
                return;
            case DqString or DqKeyword when kind == ConditionKind.Values:
                return;
            case DqQuantity q when kind == ConditionKind.Duration:
                if (q.Seconds is null) throw new RulesetException($"{at}: '{q.Unit}' is not a unit of time (days, hours, minutes)");
                return;
            case DqCall call when call.Name == "now" && kind == ConditionKind.Values:
                if (!call.Arguments.IsEmpty) throw new RulesetException($"{at}: now() takes no arguments");
                return;
            case DqBinary b when kind == ConditionKind.Values && IsDate(b):
                return;
            case DqNumber when kind is ConditionKind.Number or ConditionKind.Values:
            case DqNegate or DqBinary or DqCall when kind is ConditionKind.Number or ConditionKind.Values:
                Numeric(e, kind == ConditionKind.Number, at);
                return;
            default:
                throw new RulesetException($"{at}: {Describe(e)} is not {Expected(kind)}");
        }
    }

    /// <summary>now() plus or minus a duration.</summary>
    internal static bool IsDate(DqExpr e) => e switch
    {
        DqCall { Name: "now" } => true,
        DqBinary { Operator: '+' or '-', Right: DqQuantity { Seconds: not null } } b => IsDate(b.Left),
        _ => false,
    };

    private static void Numeric(DqExpr e, bool history, string at)
    {
        switch (e)
        {
            case DqNumber: return;
            case DqNegate n: Numeric(n.Operand, history, at); return;
            case DqBinary b: Numeric(b.Left, history, at); Numeric(b.Right, history, at); return;
            case DqCall { Name: var name } call when history && HistoryFunctions.Contains(name):
                if (call.Arguments is not [DqCall { Name: "last", Arguments: [DqNumber { Value: >= 1 } k] }] || k.Value != Math.Floor(k.Value))
                    throw new RulesetException($"{at}: {name}() takes last(k), the rule's metric in the job's last k runs, e.g. {name}(last(10))");
                return;
            case DqCall call:
                throw new RulesetException($"{at}: unknown function '{call.Name}'" +
                    (history ? Suggestions.DidYouMean(call.Name, HistoryFunctions) : " (dynamic rules compare a metric, not row values)"));
            default:
                throw new RulesetException($"{at}: {Describe(e)} is not a number");
        }
    }

    private static string Describe(DqExpr e) => e switch
    {
        DqString s => $"the string {s}",
        DqKeyword k => k.Keyword,
        DqQuantity q => $"'{q}'",
        _ => $"'{e}'",
    };

    private static string Expected(ConditionKind kind) => kind switch
    {
        ConditionKind.Duration => "a duration (e.g. 24 hours)",
        ConditionKind.Type => "a type name in quotes",
        ConditionKind.Values => "a value",
        _ => "a number",
    };

    private static void Pattern(string pattern, DqdlPosition at)
    {
        try { _ = new Regex(pattern); }
        catch (ArgumentException e) { throw new RulesetException($"ruleset {at}: the pattern \"{pattern}\" is not a regular expression ({e.Message})"); }
    }
}
