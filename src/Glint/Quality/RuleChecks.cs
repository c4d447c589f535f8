using System.Collections.Immutable;
using System.Globalization;
using System.Text.RegularExpressions;
using Glint.Api;
using Glint.Common;
using Glint.Execution;

namespace Glint.Quality;

/// <summary>What one rule decided: Passed, Failed, Error (or Analyzed for an analyzer), why, and the metrics it evaluated.</summary>
internal sealed record RuleResult(string Outcome, string? Reason, ImmutableDictionary<string, double> Metrics);

/// <summary>Turns the collected values into a rule's result.</summary>
internal delegate RuleResult Finish(MetricValues values);

/// <summary>What rules are planned against: the data, the reference data by alias, the requests, conditions, the metric history and the run's clock.</summary>
/// <param name="History">the last k values of a metric of a rule (by its text) in the job's earlier runs, newest first</param>
internal sealed record RuleContext(DataFrame Primary, IReadOnlyDictionary<string, DataFrame> References, MetricRequests Requests, Conditions Conditions,
    Func<string, string, int, IReadOnlyList<double>> History, DateTime NowUtc);

/// <summary>
/// Each rule type as the figures it asks of <see cref="MetricRequests"/> and the outcome it reads from them. A rule that
/// names a column the data does not have, or a where clause that does not bind, is refused here, before any task runs.
/// </summary>
internal static partial class RuleChecks
{
    public static Finish Plan(DqRule rule, RuleContext ctx, bool analyzer)
    {
        if (rule is DqComposite composite)
        {
            var operands = composite.Operands.Select(o => Plan(o, ctx, analyzer)).ToList();
            return v => Combine(composite.And, [.. operands.Select(o => o(v))]);
        }
        var call = (DqRuleCall)rule;
        try { return PlanCall(call, new Leaf(call, ctx, analyzer)); }
        catch (PlanException e) { throw new PlanException($"rule {call}: {e.Message}", e.Subject, e); }
    }

    private static Finish PlanCall(DqRuleCall call, Leaf leaf) => call.Type switch
    {
        "RowCount" => leaf.Metric("Dataset.*.RowCount", leaf.Count()),
        "ColumnCount" => leaf.Metric("Dataset.*.ColumnCount", _ => leaf.Ctx.Primary.Schema.Columns.Length),
        "ColumnExists" => leaf.Check(leaf.Ctx.Primary.Schema.Find(call.Parameters[0]) is not null, $"column '{call.Parameters[0]}' does not exist"),
        "ColumnNamesMatchPattern" => NamesMatch(leaf, call.Parameters[0]),
        "IsComplete" or "Completeness" => Completeness(leaf, call.Type == "IsComplete"),
        "Mean" => leaf.Metric(leaf.Key("Mean"), Mean(leaf)),
        "Sum" => leaf.Metric(leaf.Key("Sum"), Sum(leaf)),
        "Variance" => leaf.Metric(leaf.Key("Variance"), Moments(leaf, sqrt: false)),
        "StandardDeviation" => leaf.Metric(leaf.Key("StandardDeviation"), Moments(leaf, sqrt: true)),
        "ColumnCorrelation" => leaf.Metric($"Multicolumn.{call.Parameters[0]},{call.Parameters[1]}.ColumnCorrelation", Correlation(leaf)),
        "IsUnique" or "Uniqueness" or "IsPrimaryKey" or "UniqueValueRatio" or "DistinctValuesCount" or "Entropy" => Frequencies(leaf),
        "ColumnValues" => leaf.Compliance("ColumnValues", leaf.Ctx.Conditions.Predicate(call.Condition!, leaf.Column(0))),
        "ColumnLength" => Length(leaf),
        "DataFreshness" => leaf.Compliance("DataFreshness", leaf.Ctx.Conditions.Predicate(call.Condition!, Age(leaf))),
        "ColumnDataType" => leaf.Compliance("ColumnDataType", DataType(leaf)),
        "AllStatistics" => AllStatistics(leaf),
        "DetectAnomalies" => Anomalies(leaf),
        _ => PlanDataset(call, leaf),
    };

    /// <summary>The composite's outcome: and passes when every operand passed, or when any did.</summary>
    private static RuleResult Combine(bool and, IReadOnlyList<RuleResult> results)
    {
        var metrics = results.SelectMany(r => r.Metrics).GroupBy(kv => kv.Key).ToImmutableDictionary(g => g.Key, g => g.First().Value);
        var reasons = string.Join("; ", results.Where(r => r.Outcome != QualityOutcome.Passed && r.Reason is not null).Select(r => r.Reason));
        string outcome;
        if (and) outcome = results.Any(r => r.Outcome == QualityOutcome.Failed) ? QualityOutcome.Failed
            : results.Any(r => r.Outcome == QualityOutcome.Error) ? QualityOutcome.Error : QualityOutcome.Passed;
        else outcome = results.Any(r => r.Outcome == QualityOutcome.Passed) ? QualityOutcome.Passed
            : results.Any(r => r.Outcome == QualityOutcome.Error) ? QualityOutcome.Error : QualityOutcome.Failed;
        return new RuleResult(outcome, outcome == QualityOutcome.Passed ? null : reasons, metrics);
    }

    private static Finish NamesMatch(Leaf leaf, string pattern)
    {
        var regex = new Regex($"^(?:{pattern})$");
        var wrong = leaf.Ctx.Primary.Schema.Names.Where(n => !regex.IsMatch(n)).ToList();
        return leaf.Check(wrong.Count == 0, $"columns {string.Join(", ", wrong)} do not match \"{pattern}\"");
    }

    private static Finish Completeness(Leaf leaf, bool all)
    {
        var present = leaf.Ctx.Requests.Aggregate(Leaf.CountWhere(leaf.And($"{leaf.Column(0)} IS NOT NULL")));
        var rows = leaf.Count();
        var key = leaf.Key("Completeness");
        if (!all) return leaf.Metric(key, v => Ratio(present(v), rows(v)));
        return v => Ratio(present(v), rows(v)) is { } ratio
            ? leaf.Result(ratio == 1, $"{key} is {Show(ratio)}: {rows(v) - present(v)} of {rows(v)} rows are NULL", (key, ratio))
            : leaf.NoRows();
    }

    private static Func<MetricValues, double?> Mean(Leaf leaf)
    {
        var sum = Sum(leaf);
        var count = leaf.Ctx.Requests.Aggregate($"count({leaf.Only(leaf.Column(0))})");
        return v => count(v) is > 0 ? sum(v) / count(v) : null;
    }

    private static Func<MetricValues, double?> Sum(Leaf leaf)
    {
        var sum = leaf.Ctx.Requests.Aggregate($"sum({leaf.Only($"CAST({leaf.Column(0)} AS DOUBLE)")})");
        return v => sum(v) ?? 0;
    }

    /// <summary>The population variance (or its square root) from count, Σx and Σx², which combine across tasks.</summary>
    private static Func<MetricValues, double?> Moments(Leaf leaf, bool sqrt)
    {
        var x = leaf.Only($"CAST({leaf.Column(0)} AS DOUBLE)");
        var n = leaf.Ctx.Requests.Aggregate($"count({x})");
        var s1 = leaf.Ctx.Requests.Aggregate($"sum({x})");
        var s2 = leaf.Ctx.Requests.Aggregate($"sum(({x}) * ({x}))");
        return v =>
        {
            if (n(v) is not { } count || count <= 0) return null;
            var variance = Math.Max(0, (s2(v)!.Value - s1(v)!.Value * s1(v)!.Value / count) / count);
            return sqrt ? Math.Sqrt(variance) : variance;
        };
    }

    private static Func<MetricValues, double?> Correlation(Leaf leaf)
    {
        var (a, b) = (leaf.Column(0), leaf.Column(1));
        var both = leaf.And($"{a} IS NOT NULL AND {b} IS NOT NULL");
        string Sum(string e) => $"sum(CASE WHEN {both} THEN {e} END)";
        var (x, y) = ($"CAST({a} AS DOUBLE)", $"CAST({b} AS DOUBLE)");
        var r = leaf.Ctx.Requests;
        var n = r.Aggregate(Leaf.CountWhere(both));
        var (sx, sy, sxx, syy, sxy) = (r.Aggregate(Sum(x)), r.Aggregate(Sum(y)), r.Aggregate(Sum($"{x} * {x}")), r.Aggregate(Sum($"{y} * {y}")), r.Aggregate(Sum($"{x} * {y}")));
        return v =>
        {
            if (n(v) is not { } count || count <= 1) return null;
            var cov = count * sxy(v)!.Value - sx(v)!.Value * sy(v)!.Value;
            var vx = count * sxx(v)!.Value - sx(v)!.Value * sx(v)!.Value;
            var vy = count * syy(v)!.Value - sy(v)!.Value * sy(v)!.Value;
            return vx <= 0 || vy <= 0 ? null : cov / Math.Sqrt(vx * vy);
        };
    }

    private static Finish Length(Leaf leaf)
    {
        var length = $"length(CAST({leaf.Column(0)} AS VARCHAR))";
        var checks = leaf.Ctx.Requests;
        var min = checks.Aggregate($"min({leaf.Only(length)})");
        var max = checks.Aggregate($"max({leaf.Only(length)})");
        var valued = leaf.And($"{leaf.Column(0)} IS NOT NULL");
        var passing = checks.Aggregate(Leaf.CountWhere($"{valued} AND {leaf.Ctx.Conditions.Predicate(leaf.Call.Condition!, length)}"));
        var total = checks.Aggregate(Leaf.CountWhere(valued));
        var (minKey, maxKey) = (leaf.Key("MinimumLength"), leaf.Key("MaximumLength"));
        return v =>
        {
            if (total(v) is not > 0) return leaf.NoRows();
            var metrics = new[] { (minKey, min(v)!.Value), (maxKey, max(v)!.Value) };
            return leaf.Result(passing(v) == total(v), $"{total(v) - passing(v)} of {total(v)} values have a length that does not meet {leaf.Call.Condition}", metrics);
        };
    }

    /// <summary>Each row's age in seconds at the moment the run was planned.</summary>
    internal static string Age(Leaf leaf) =>
        $"(epoch(TIMESTAMP '{leaf.Ctx.NowUtc:yyyy-MM-dd HH:mm:ss.ffffff}') - epoch(CAST({leaf.Column(0)} AS TIMESTAMP)))";

    /// <summary>Whether each row's value is of the type: the declared type says so for typed columns; a string column's values must cast.</summary>
    internal static string DataType(Leaf leaf)
    {
        var column = leaf.Ctx.Primary.Schema.Require(leaf.Call.Parameters[0], "ColumnDataType");
        var c = leaf.Call.Condition!;
        var names = DqdlChecks.Resolve(c.Operands[0], leaf.Ctx.Conditions.Ruleset) is DqList list
            ? list.Items.Select(i => ((DqString)DqdlChecks.Resolve(i, leaf.Ctx.Conditions.Ruleset)).Value).ToList()
            : [((DqString)DqdlChecks.Resolve(c.Operands[0], leaf.Ctx.Conditions.Ruleset)).Value];
        var types = names.Select(n => RuleType.DataTypes[n]).ToList();
        if (types.Any(t => SameType(column.Type, t))) return "TRUE";
        if (column.Type != "VARCHAR") return "FALSE";
        return $"({leaf.Column(0)} IS NULL OR {string.Join(" OR ", types.Select(t => $"try_cast({leaf.Column(0)} AS {t}) IS NOT NULL"))})";
    }

    private static bool SameType(string declared, string type) =>
        declared == type || type.StartsWith("DECIMAL", StringComparison.Ordinal) && declared.StartsWith("DECIMAL", StringComparison.Ordinal);

    internal static double? Ratio(double? part, double? whole) => whole is > 0 ? part / whole : null;

    internal static string Show(double value) => value.ToString("0.####", CultureInfo.InvariantCulture);
}
