using System.Collections.Immutable;
using System.Globalization;
using Glint.Common;
using Superpower;
using Superpower.Model;
using Superpower.Parsers;
using static Glint.Quality.DqdlTokens;

namespace Glint.Quality;

/// <summary>
/// DQDL text to a <see cref="DqRuleset"/>: the grammar as parser combinators over <see cref="DqdlTokens"/>; syntax errors
/// name the line, column and what was expected, then <see cref="DqdlChecks"/> checks rule types, parameters and conditions.
/// </summary>
internal static class DqdlParser
{
    private static readonly HashSet<string> Reserved = ["between", "and", "or", "not", "in", "matches", "where", "with", "threshold", "labels", "of",
        "NULL", "EMPTY", "WHITESPACES_ONLY"];
    private static readonly HashSet<string> Units = ["days", "day", "hours", "hour", "minutes", "minute", "seconds", "second", "B", "KB", "MB", "GB", "TB"];

    private static TokenListParser<DqToken, Token<DqToken>> Word(string word) => Token.EqualToValue(DqToken.Identifier, word);
    private static TokenListParser<DqToken, Token<DqToken>> Kind(DqToken kind) => Token.EqualTo(kind);

    private static readonly TokenListParser<DqToken, Token<DqToken>> Name =
        Kind(DqToken.Identifier).Where(t => !Reserved.Contains(t.ToStringValue()), "a name");

    private static readonly TokenListParser<DqToken, DqExpr> Expr = Superpower.Parse.Ref(() => Sum!);

    private static readonly TokenListParser<DqToken, DqExpr> NumberOrQuantity =
        from n in Kind(DqToken.Number)
        from unit in Kind(DqToken.Identifier).Where(t => Units.Contains(t.ToStringValue()), "a unit").Select(t => (Token<DqToken>?)t).OptionalOrDefault()
        let value = double.Parse(n.ToStringValue(), CultureInfo.InvariantCulture)
        select unit is { } u ? (DqExpr)new DqQuantity(At(n), value, u.ToStringValue()) : new DqNumber(At(n), value);

    private static readonly TokenListParser<DqToken, DqExpr> Text =
        Kind(DqToken.String).Select(t => (DqExpr)new DqString(At(t), Unquote(t)));

    private static readonly TokenListParser<DqToken, DqExpr> Keyword =
        Kind(DqToken.Identifier).Where(t => t.ToStringValue() is "NULL" or "EMPTY" or "WHITESPACES_ONLY", "NULL, EMPTY or WHITESPACES_ONLY")
            .Select(t => (DqExpr)new DqKeyword(At(t), t.ToStringValue()));

    private static readonly TokenListParser<DqToken, DqExpr> Variable =
        from d in Kind(DqToken.Dollar)
        from name in Name
        select (DqExpr)new DqVariable(At(d), name.ToStringValue());

    private static readonly TokenListParser<DqToken, DqExpr> Call =
        (from name in Name
         from args in Expr.ManyDelimitedBy(Kind(DqToken.Comma)).Between(Kind(DqToken.LParen), Kind(DqToken.RParen))
         select (DqExpr)new DqCall(At(name), name.ToStringValue(), [.. args])).Try();

    private static readonly TokenListParser<DqToken, DqExpr> List =
        from open in Kind(DqToken.LBracket)
        from items in Expr.ManyDelimitedBy(Kind(DqToken.Comma))
        from close in Kind(DqToken.RBracket)
        select (DqExpr)new DqList(At(open), [.. items]);

    private static readonly TokenListParser<DqToken, DqExpr> Negated =
        from minus in Kind(DqToken.Minus)
        from operand in Superpower.Parse.Ref(() => Primary!)
        select (DqExpr)new DqNegate(At(minus), operand);

    private static readonly TokenListParser<DqToken, DqExpr> Primary =
        NumberOrQuantity.Or(Text).Or(Keyword).Or(Variable).Or(Call).Or(Expr.Between(Kind(DqToken.LParen), Kind(DqToken.RParen)))
            .Or(List).Or(Negated).Named("a value");

    private static readonly TokenListParser<DqToken, char> MulOp = Kind(DqToken.Star).Value('*').Or(Kind(DqToken.Slash).Value('/'));
    private static readonly TokenListParser<DqToken, char> AddOp = Kind(DqToken.Plus).Value('+').Or(Kind(DqToken.Minus).Value('-'));
    private static readonly TokenListParser<DqToken, DqExpr> Term = Superpower.Parse.Chain(MulOp, Primary, (op, l, r) => new DqBinary(l.At, op, l, r));
    private static readonly TokenListParser<DqToken, DqExpr> Sum = Superpower.Parse.Chain(AddOp, Term, (op, l, r) => new DqBinary(l.At, op, l, r));

    private static TokenListParser<DqToken, DqCondition> Compare(DqToken kind, DqOperator op) =>
        from t in Kind(kind)
        from e in Expr
        select new DqCondition(At(t), op, [e]);

    private static readonly TokenListParser<DqToken, DqCondition> Between =
        from b in Word("between")
        from low in Expr
        from and in Word("and")
        from high in Expr
        select new DqCondition(At(b), DqOperator.Between, [low, high]);

    private static readonly TokenListParser<DqToken, DqCondition> In =
        from i in Word("in")
        from values in List.Or(Variable)
        select new DqCondition(At(i), DqOperator.In, [values]);

    private static readonly TokenListParser<DqToken, DqCondition> Matches =
        from m in Word("matches")
        from pattern in Text.Or(Variable)
        select new DqCondition(At(m), DqOperator.Matches, [pattern]);

    private static readonly TokenListParser<DqToken, DqCondition> Not =
        from n in Word("not")
        from c in Between.Or(In).Or(Matches)
        select c with { At = At(n), Negated = true };

    private static readonly TokenListParser<DqToken, DqCondition> Condition =
        Compare(DqToken.Equal, DqOperator.Equal).Or(Compare(DqToken.NotEqual, DqOperator.NotEqual))
            .Or(Compare(DqToken.GreaterOrEqual, DqOperator.GreaterOrEqual)).Or(Compare(DqToken.Greater, DqOperator.Greater))
            .Or(Compare(DqToken.LessOrEqual, DqOperator.LessOrEqual)).Or(Compare(DqToken.Less, DqOperator.Less))
            .Or(Between).Or(In).Or(Matches).Or(Not);

    private static readonly TokenListParser<DqToken, string> Parameter =
        (from connector in Word("of").Or(Word("and")).Select(t => (Token<DqToken>?)t).OptionalOrDefault()
         from value in Kind(DqToken.String).Select(Unquote).Or(Name.Select(t => t.ToStringValue()))
         select value).Try();

    private static readonly TokenListParser<DqToken, ImmutableDictionary<string, string>> LabelList =
        (from key in Kind(DqToken.String)
         from eq in Kind(DqToken.Equal)
         from value in Kind(DqToken.String)
         select (key, Unquote(value)))
        .ManyDelimitedBy(Kind(DqToken.Comma)).Between(Kind(DqToken.LBracket), Kind(DqToken.RBracket))
        .Select(pairs => Distinct(pairs, null));

    /// <summary>A clause after a rule's condition: where, labels or with threshold (each at most once, in any order).</summary>
    private sealed record Clause(DqdlPosition At, string Kind, object Value);

    private static readonly TokenListParser<DqToken, Clause> Suffix =
        (from w in Word("where") from text in Kind(DqToken.String) select new Clause(At(w), "where", Unquote(text)))
        .Or(from l in Word("labels") from eq in Kind(DqToken.Equal) from labels in LabelList select new Clause(At(l), "labels", labels))
        .Or(from w in Word("with") from t in Word("threshold") from c in Condition select new Clause(At(w), "with threshold", c));

    private static readonly TokenListParser<DqToken, DqRule> RuleCall =
        from type in Kind(DqToken.Identifier).Named("a rule type")
        from parameters in Parameter.Many()
        from condition in Condition.Select(c => (DqCondition?)c).OptionalOrDefault()
        from clauses in Suffix.Many()
        select Build(type, parameters, condition, clauses);

    private static readonly TokenListParser<DqToken, DqRule> Rule = Superpower.Parse.Ref(() => TopRule!);

    private static readonly TokenListParser<DqToken, DqRule> Composite =
        from first in Rule.Between(Kind(DqToken.LParen), Kind(DqToken.RParen))
        from rest in (from op in Word("and").Or(Word("or"))
                      from operand in Rule.Between(Kind(DqToken.LParen), Kind(DqToken.RParen))
                      select (op, operand)).Many()
        select Combine(first, rest);

    private static readonly TokenListParser<DqToken, DqRule> TopRule = Composite.Or(RuleCall);

    private static readonly TokenListParser<DqToken, ImmutableArray<DqRule>> RuleList =
        TopRule.ManyDelimitedBy(Kind(DqToken.Comma)).Between(Kind(DqToken.LBracket), Kind(DqToken.RBracket)).Select(r => r.ToImmutableArray());

    private static readonly TokenListParser<DqToken, ImmutableArray<string>> DictValue =
        Kind(DqToken.String).Select(t => ImmutableArray.Create(Unquote(t)))
            .Or(Kind(DqToken.String).Select(Unquote).ManyDelimitedBy(Kind(DqToken.Comma)).Between(Kind(DqToken.LBracket), Kind(DqToken.RBracket))
                .Select(v => v.ToImmutableArray()));

    private static TokenListParser<DqToken, ImmutableDictionary<string, ImmutableArray<string>>> Dictionary(string section, params string[] keys) =>
        (from key in Kind(DqToken.String)
         from colon in Kind(DqToken.Colon)
         from value in DictValue
         select (key, value))
        .ManyDelimitedBy(Kind(DqToken.Comma)).Between(Kind(DqToken.LBrace), Kind(DqToken.RBrace))
        .Select(pairs => Distinct(pairs, (section, keys)));

    private static TokenListParser<DqToken, object> ValueOf(string section) => section switch
    {
        "Rules" or "Analyzers" => RuleList.Select(r => (object)r),
        "Metadata" => Dictionary(section, "Version").Select(d => (object)d),
        "DataSources" => Dictionary(section, "Primary", "AdditionalDataSources").Select(d => (object)d),
        "DefaultLabels" => LabelList.Select(l => (object)l),
        _ => Expr.Select(e => (object)e),
    };

    private static readonly TokenListParser<DqToken, (Token<DqToken> Name, object Value)> Section =
        Name.Then(name => Kind(DqToken.Equal).IgnoreThen(ValueOf(Sectioned(name))).Select(v => (name, v)));

    private static readonly string[] Sections = ["Rules", "Analyzers", "Metadata", "DataSources", "DefaultLabels"];

    /// <summary>The section a name opens; a section's name in the wrong case is refused rather than taken as a variable.</summary>
    private static string Sectioned(Token<DqToken> name)
    {
        var text = name.ToStringValue();
        if (Sections.FirstOrDefault(s => s.Equals(text, StringComparison.OrdinalIgnoreCase) && s != text) is { } section)
            throw new RulesetException($"ruleset {At(name)}: '{text}' is written '{section}'");
        return text;
    }

    private static readonly TokenListParser<DqToken, (Token<DqToken> Name, object Value)[]> Document = Section.Many().AtEnd();

    public static DqRuleset Parse(string text)
    {
        var tokens = Tokenizer.TryTokenize(text);
        if (!tokens.HasValue)
            throw new RulesetException($"ruleset {Where(tokens.ErrorPosition)}: {tokens.FormatErrorMessageFragment()}");
        var parsed = Document.TryParse(tokens.Value);
        if (!parsed.HasValue)
            throw new RulesetException($"ruleset {Where(parsed.ErrorPosition)}: {parsed.FormatErrorMessageFragment()}");
        return DqdlChecks.Check(Assemble(parsed.Value));
    }

    private static string Where(Position position) =>
        position.HasValue ? new DqdlPosition(position.Line, position.Column).ToString() : "at its end";

    private static DqRuleset Assemble((Token<DqToken> Name, object Value)[] sections)
    {
        var seen = new HashSet<string>();
        var ruleset = new DqRuleset([], [], ImmutableDictionary<string, DqExpr>.Empty, ImmutableDictionary<string, string>.Empty,
            ImmutableDictionary<string, ImmutableArray<string>>.Empty, ImmutableDictionary<string, ImmutableArray<string>>.Empty);
        foreach (var (token, value) in sections)
        {
            var name = token.ToStringValue();
            if (!seen.Add(name)) throw new RulesetException($"ruleset {At(token)}: '{name}' is given twice");
            ruleset = value switch
            {
                ImmutableArray<DqRule> rules when name == "Rules" => ruleset with { Rules = rules },
                ImmutableArray<DqRule> analyzers => ruleset with { Analyzers = analyzers },
                ImmutableDictionary<string, ImmutableArray<string>> d when name == "Metadata" => ruleset with { Metadata = d },
                ImmutableDictionary<string, ImmutableArray<string>> d => ruleset with { DataSources = d },
                ImmutableDictionary<string, string> labels => ruleset with { DefaultLabels = labels },
                DqExpr e => ruleset with { Variables = ruleset.Variables.Add(name, e) },
                _ => ruleset,
            };
        }
        if (!seen.Contains("Rules") && !seen.Contains("Analyzers"))
            throw new RulesetException("ruleset: it has no 'Rules = [ … ]' (or 'Analyzers = [ … ]')");
        return ruleset;
    }

    private static DqRule Build(Token<DqToken> type, string[] parameters, DqCondition? condition, Clause[] clauses)
    {
        foreach (var twice in clauses.GroupBy(c => c.Kind).Where(g => g.Count() > 1))
            throw new RulesetException($"ruleset {twice.ElementAt(1).At}: '{twice.Key}' is given twice for {type.ToStringValue()}");
        object? Get(string kind) => clauses.FirstOrDefault(c => c.Kind == kind)?.Value;
        return new DqRuleCall(At(type), type.ToStringValue(), [.. parameters], condition, (string?)Get("where"),
            (ImmutableDictionary<string, string>?)Get("labels") ?? ImmutableDictionary<string, string>.Empty, (DqCondition?)Get("with threshold"));
    }

    private static DqRule Combine(DqRule first, (Token<DqToken> Op, DqRule Operand)[] rest)
    {
        if (rest.Length == 0) return first;
        var and = rest[0].Op.ToStringValue() == "and";
        foreach (var (op, _) in rest)
            if ((op.ToStringValue() == "and") != and)
                throw new RulesetException($"ruleset {At(op)}: 'and' and 'or' are mixed; put parentheses around the rules of each");
        return new DqComposite(first.At, and, [first, .. rest.Select(r => r.Operand)]);
    }

    /// <param name="allowed">the section and the keys it takes, or null when any key is allowed</param>
    private static ImmutableDictionary<string, T> Distinct<T>(IEnumerable<(Token<DqToken> Key, T Value)> pairs, (string Section, string[] Keys)? allowed)
    {
        var result = ImmutableDictionary.CreateBuilder<string, T>();
        foreach (var (token, value) in pairs)
        {
            var key = Unquote(token);
            if (allowed is { } a && !a.Keys.Contains(key))
                throw new RulesetException($"ruleset {At(token)}: {a.Section} has no key \"{key}\" (it takes {string.Join(" and ", a.Keys.Select(k => $"\"{k}\""))})");
            if (!result.TryAdd(key, value)) throw new RulesetException($"ruleset {At(token)}: the key \"{key}\" is given twice");
        }
        return result.ToImmutable();
    }
}
