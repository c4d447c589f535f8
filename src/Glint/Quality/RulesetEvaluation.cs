using System.Collections.Immutable;
using Glint.Api;
using Glint.Common;
using Glint.Execution;
using Glint.Plan;

namespace Glint.Quality;

/// <summary>The last <c>k</c> values of a rule's metric in a job's earlier runs, newest first (dynamic rules and DetectAnomalies).</summary>
public delegate IReadOnlyList<double> MetricHistory(string rule, string metric, int k);

/// <summary>A ruleset's outcomes: one per rule and analyzer, and the score (rules passed over rules).</summary>
public sealed record DataQualityResult(string Ruleset, ImmutableArray<QualityOutcome> Outcomes)
{
    private IEnumerable<QualityOutcome> Rules => Outcomes.Where(o => o.Outcome != QualityOutcome.Analyzed);
    public int RulesPassed => Rules.Count(o => o.Outcome == QualityOutcome.Passed);
    public int RulesFailed => Rules.Count(o => o.Outcome != QualityOutcome.Passed);
    public double Score => Rules.Any() ? (double)RulesPassed / Rules.Count() : 1;
    /// <summary>Whether every rule passed (an Error is not a pass).</summary>
    public bool Passed => RulesFailed == 0;

    /// <summary>One line naming the rules that did not pass.</summary>
    public string Summary() =>
        $"ruleset '{Ruleset}': {RulesFailed} of {Rules.Count()} rules did not pass: " +
        string.Join("; ", Rules.Where(o => o.Outcome != QualityOutcome.Passed).Select(o => $"{o.Rule} ({o.Outcome}{(o.Reason is null ? "" : ": " + o.Reason)})"));
}

/// <summary>
/// A DQDL ruleset planned against a DataFrame: the collecting actions that compute every rule's metrics in one run, how
/// their rows become outcomes, and the row-level view (each row with the rules it passed and failed).
/// </summary>
public sealed class RulesetEvaluation
{
    private readonly string name;
    private readonly DqRuleset ruleset;
    private readonly RuleContext ctx;
    private readonly MetricRequests requests;
    private readonly List<(DqRule Rule, Finish Finish, bool Analyzer)> rules = [];

    private RulesetEvaluation(string name, DqRuleset ruleset, RuleContext ctx, MetricRequests requests)
    {
        (this.name, this.ruleset, this.ctx, this.requests) = (name, ruleset, ctx, requests);
        foreach (var rule in ruleset.Rules) rules.Add((rule, RuleChecks.Plan(rule, ctx, analyzer: false), false));
        foreach (var rule in ruleset.Analyzers) rules.Add((rule, RuleChecks.Plan(rule, ctx, analyzer: true), true));
        Actions = requests.Actions();
    }

    /// <summary>Plans the ruleset; a rule naming a missing column or a reference nobody gave fails here, before any task.</summary>
    /// <param name="references">other data by alias (ReferentialIntegrity, DatasetMatch, RowCountMatch, SchemaMatch, AggregateMatch, CustomSql)</param>
    /// <param name="nowUtc">the clock of now() and DataFreshness, fixed once so every task sees the same</param>
    public static RulesetEvaluation Plan(string name, DqRuleset ruleset, DataFrame primary, IReadOnlyDictionary<string, DataFrame>? references = null,
        MetricHistory? history = null, DateTime? nowUtc = null)
    {
        var now = nowUtc ?? DateTime.UtcNow;
        var requests = new MetricRequests(primary);
        var refs = new Dictionary<string, DataFrame>(references ?? new Dictionary<string, DataFrame>(), StringComparer.OrdinalIgnoreCase);
        var ctx = new RuleContext(primary, refs, requests, new Conditions(ruleset, now), (r, m, k) => history?.Invoke(r, m, k) ?? [], now);
        return new RulesetEvaluation(name, ruleset, ctx, requests);
    }

    /// <summary>The collecting actions that compute the metrics (run them with the run's other actions, or alone with <see cref="Run"/>).</summary>
    public IReadOnlyList<PlannedAction> Actions { get; }

    /// <summary>The outcomes, from the rows <see cref="Actions"/> collected (in their order).</summary>
    public DataQualityResult Outcomes(IReadOnlyList<IReadOnlyList<object?[]>> rows)
    {
        var values = requests.Values(rows);
        var outcomes = rules.Select(r =>
        {
            var result = r.Finish(values);
            // An analyzer only measures: one that could not (no rows) says why, but is no failed rule.
            if (r.Analyzer) result = result with { Outcome = QualityOutcome.Analyzed };
            var labels = ruleset.DefaultLabels.SetItems(r.Rule is DqRuleCall call ? call.Labels : ImmutableDictionary<string, string>.Empty);
            return new QualityOutcome(name, r.Rule.ToString()!, result.Outcome, result.Reason, result.Metrics) { Labels = labels };
        });
        return new DataQualityResult(name, [.. outcomes]);
    }

    /// <summary>Runs the metric actions alone and returns the outcomes.</summary>
    public DataQualityResult Run(CancellationToken cancellation = default)
    {
        if (Actions.Count == 0) return Outcomes([]);
        var outcome = ctx.Primary.Session.Run(Actions, cancellation);
        return Outcomes([.. outcome.Rows.OrderBy(r => r.Key.Value).Select(r => r.Value)]);
    }

    /// <summary>Each top-level rule that decides row by row, with its SQL predicate (true when the row passes).</summary>
    private IReadOnlyList<(string Rule, string Predicate)> RowRules() =>
        [.. ruleset.Rules.Select(r => (Rule: r.ToString()!, Predicate: RowLevel.Predicate(r, ctx))).Where(r => r.Predicate is not null).Select(r => (r.Rule, r.Predicate!))];

    /// <summary>Whether the top-level rule (by its text) decides row by row.</summary>
    public bool IsRowLevel(string rule) => RowRules().Any(r => r.Rule == rule);

    /// <summary>Whether any rule decides row by row (only those can divert rows to a quarantine).</summary>
    public bool HasRowLevelRules => RowRules().Count > 0;

    /// <summary>The data with Glue's four row-level columns: DataQualityRulesPass, DataQualityRulesFail, DataQualityRulesSkip and DataQualityEvaluationResult.</summary>
    public DataFrame WithRowLevelColumns()
    {
        var row = RowRules();
        var skipped = ruleset.Rules.Select(r => r.ToString()!).Where(t => row.All(r => r.Rule != t)).ToList();
        return ctx.Primary
            .WithColumn("DataQualityRulesPass", RowLevel.Listed(row.Select(r => (r.Rule, r.Predicate))))
            .WithColumn("DataQualityRulesFail", RowLevel.Listed(row.Select(r => (r.Rule, $"NOT ({r.Predicate})"))))
            .WithColumn("DataQualityRulesSkip", skipped.Count == 0 ? RowLevel.EmptyList : $"CAST({Sql.List(skipped)} AS VARCHAR[])")
            .WithColumn("DataQualityEvaluationResult", $"CASE WHEN {AllPass(row)} THEN 'Passed' ELSE 'Failed' END");
    }

    /// <summary>The rows that pass every row-level rule (or that fail one), with or without the row-level columns.</summary>
    public DataFrame Rows(bool passing, bool rowLevelColumns)
    {
        var frame = rowLevelColumns ? WithRowLevelColumns() : ctx.Primary;
        var all = AllPass(RowRules());
        return frame.Filter(passing ? all : $"NOT ({all})");
    }

    private static string AllPass(IReadOnlyList<(string Rule, string Predicate)> rows) =>
        rows.Count == 0 ? "TRUE" : string.Join(" AND ", rows.Select(r => $"({r.Predicate})"));
}
