using System.Collections.Immutable;
using Glint.Common;
using Glint.Execution;

namespace Glint.Quality;

/// <summary>One rule call being planned: its columns and where clause as SQL, its metric names, and how its outcome is decided.</summary>
internal sealed class Leaf
{
    public Leaf(DqRuleCall call, RuleContext ctx, bool analyzer)
    {
        (Call, Ctx, Analyzer) = (call, ctx, analyzer);
        if (call.Where is { } where) _ = ctx.Primary.Filter(where); // binds it now: a wrong where clause fails before any task
        Where = call.Where is null ? "TRUE" : $"coalesce(({call.Where}), FALSE)";
    }

    public DqRuleCall Call { get; }
    public RuleContext Ctx { get; }
    public bool Analyzer { get; }
    /// <summary>The rows the rule sees, as SQL (TRUE without a where clause).</summary>
    public string Where { get; }
    /// <summary>The metric the rule's condition compares (and its history is kept under), once planned.</summary>
    public string? MainMetric { get; private set; }

    public string Column(int i) => Sql.Ident((Ctx.Primary.Schema.Find(Call.Parameters[i]) ?? throw new PlanException(
        $"column '{Call.Parameters[i]}' does not exist; available columns: {string.Join(", ", Ctx.Primary.Schema.Names)}", Call.Parameters[i])).Name);

    /// <summary>A column metric's name: Column.&lt;c&gt;.&lt;metric&gt;, or Multicolumn.&lt;a,b&gt;.&lt;metric&gt;.</summary>
    public string Key(string metric) => Call.Parameters.Length > 1 && Call.Type is "Uniqueness" or "IsUnique" or "IsPrimaryKey"
        ? $"Multicolumn.{string.Join(",", Call.Parameters)}.{metric}"
        : $"Column.{Call.Parameters[0]}.{metric}";

    /// <summary>The condition on the rows the rule sees (just the condition without a where clause).</summary>
    public string And(string condition) => Call.Where is null ? condition : $"{Where} AND {condition}";

    /// <summary>The value on the rows the rule sees, NULL on the others (just the value without a where clause).</summary>
    public string Only(string value) => Call.Where is null ? value : $"CASE WHEN {Where} THEN {value} END";

    /// <summary>Rows where the condition holds, as count(CASE …): 0 over no rows, where DuckDB's count_if gives NULL.</summary>
    public static string CountWhere(string condition) => $"count(CASE WHEN {condition} THEN 1 END)";

    public Func<MetricValues, double?> Count() => Ctx.Requests.Aggregate(CountWhere(Where));

    /// <summary>A rule deciding on one metric with its condition (a dynamic condition reads the metric's history).</summary>
    public Finish Metric(string key, Func<MetricValues, double?> value)
    {
        MainMetric ??= key;
        return v => value(v) is { } x ? Decide(key, x) : NoRows();
    }

    private RuleResult Decide(string key, double x)
    {
        var metrics = ImmutableDictionary<string, double>.Empty.Add(key, x);
        if (Analyzer || Call.Condition is null) return new RuleResult(QualityOutcome.Analyzed, null, metrics);
        return Ctx.Conditions.Holds(Call.Condition, x, k => Ctx.History(Call.ToString(), key, k)) switch
        {
            null => new RuleResult(QualityOutcome.Passed, "no earlier run to compare with yet", metrics),
            true => new RuleResult(QualityOutcome.Passed, null, metrics),
            false => new RuleResult(QualityOutcome.Failed, $"{key} is {RuleChecks.Show(x)}, which does not meet {Call.Condition}", metrics),
        };
    }

    /// <summary>A rule whose outcome is known without running anything (the schema's).</summary>
    public Finish Check(bool ok, string reason) => _ => Result(ok, reason);

    public RuleResult Result(bool ok, string reason, params (string Key, double Value)[] metrics)
    {
        var values = metrics.ToImmutableDictionary(m => m.Key, m => m.Value);
        if (Analyzer) return new RuleResult(QualityOutcome.Analyzed, null, values);
        return new RuleResult(ok ? QualityOutcome.Passed : QualityOutcome.Failed, ok ? null : reason, values);
    }

    public RuleResult NoRows() => new(QualityOutcome.Error, "no rows to evaluate" + (Call.Where is null ? "" : " where " + Call.Where),
        ImmutableDictionary<string, double>.Empty);

    /// <summary>A row-level rule: the fraction of rows meeting the predicate must be 1, or meet the rule's threshold.</summary>
    public Finish Compliance(string name, string predicate)
    {
        var passing = Ctx.Requests.Aggregate(CountWhere(And(predicate)));
        var rows = Count();
        var key = MainMetric = Key(name + ".Compliance");
        return v =>
        {
            if (RuleChecks.Ratio(passing(v), rows(v)) is not { } ratio) return NoRows();
            var ok = Call.Threshold is { } t ? Ctx.Conditions.Holds(t, ratio, _ => []) ?? true : ratio == 1;
            var failed = rows(v) - passing(v);
            return Result(ok, $"{failed} of {rows(v)} rows ({RuleChecks.Show(100 * failed!.Value / rows(v)!.Value)} %) do not meet {Call.Condition}" +
                (Call.Threshold is { } th ? $", and {RuleChecks.Show(ratio)} of rows passing does not meet the threshold {th}" : ""), (key, ratio));
        };
    }
}
