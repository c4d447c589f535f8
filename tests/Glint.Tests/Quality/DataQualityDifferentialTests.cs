using System.Globalization;
using Glint.Api;
using Glint.Common;
using Glint.Execution;
using Glint.Quality;
using Glint.Tests.Support;

namespace Glint.Tests.Quality;

/// <summary>
/// Every rule type's metric, evaluated by Glint at 1, 3 and 17 splits, equals one plain DuckDB query over the same files
/// (Golden/dqdl/metrics.txt), and its outcome follows from the metric: conditions are generated around the DuckDB figure,
/// including the boundaries that <c>between</c> excludes.
/// </summary>
public sealed class DataQualityDifferentialTests
{
    internal static readonly DateTime Now = new(2026, 1, 5, 0, 0, 0, DateTimeKind.Utc);
    private static readonly Lazy<string> Data = new(Generate);

    /// <summary>5,000 rows in 17 Parquet files (t), a reference of customers (ref) and a near copy (ref2).</summary>
    internal static string Generate()
    {
        var dir = new TempFolder("dq-data").Path;
        Directory.CreateDirectory(Path.Combine(dir, "t"));
        Reference.Execute($"""
            CREATE OR REPLACE TEMP TABLE dq_gen AS SELECT i AS id,
              CASE WHEN i % 7 = 0 THEN NULL ELSE 'c' || (i % 50) END AS customer,
              CASE i % 5 WHEN 0 THEN 'A' WHEN 1 THEN 'B' WHEN 2 THEN 'C' WHEN 3 THEN '' ELSE CASE WHEN i % 3 = 0 THEN NULL ELSE '  ' END END AS status,
              CAST((i * 37) % 1000 AS DOUBLE) / 10 AS amount,
              CAST((i * 37) % 1000 AS DOUBLE) / 5 + i % 7 AS amount2,
              i % 13 AS qty,
              CASE WHEN i % 11 = 0 THEN 'x' || i ELSE CAST(i AS VARCHAR) END AS code,
              CASE WHEN i % 29 = 0 THEN NULL ELSE TIMESTAMP '2025-12-30' + to_minutes(i * 2) END AS ts,
              CASE WHEN i % 17 = 3 THEN NULL ELSE repeat('n', CAST(1 + i % 9 AS INTEGER)) END AS name,
              i % 4000 AS tag, i % 1000 AS k1, i % 3 AS k2
            FROM range(5000) r(i)
            """);
        for (var f = 0; f < Datasets.Files; f++)
            Reference.Execute($"COPY (SELECT * FROM dq_gen WHERE id % {Datasets.Files} = {f} ORDER BY id) TO '{dir}/t/part-{f:00}.parquet' (FORMAT parquet)");
        Reference.Execute($"COPY (SELECT 'c' || j AS customer, j % 13 AS qty FROM range(40) r(j)) TO '{dir}/ref.parquet' (FORMAT parquet)");
        Reference.Execute($"COPY (SELECT id, CASE WHEN id % 20 = 1 THEN amount + 1 ELSE amount END AS amount, qty FROM dq_gen WHERE id % 10 <> 0) TO '{dir}/ref2.parquet' (FORMAT parquet)");
        return dir;
    }

    internal static string Views(string dir) =>
        $"WITH t AS (SELECT * FROM read_parquet('{dir}/t/*.parquet')), ref AS (SELECT * FROM '{dir}/ref.parquet'), ref2 AS (SELECT * FROM '{dir}/ref2.parquet') ";

    private sealed record Case(string Rule, string Metric, string Query, string Outcome);

    private static List<Case> Cases() =>
        [.. File.ReadAllLines(Path.Combine(AppContext.BaseDirectory, "Golden", "dqdl", "metrics.txt"))
            .Where(l => l.Length > 0 && !l.StartsWith('#'))
            .Select(l => l.Split(" || ")).Select(p => new Case(p[0], p[1], p[2], p[3]))];

    private static double? Number(object? value) => value switch { null => null, System.Numerics.BigInteger b => (double)b, _ => Convert.ToDouble(value, CultureInfo.InvariantCulture) };

    private static string Literal(double value)
    {
        var text = value.ToString("R", CultureInfo.InvariantCulture);
        return text.Contains('E') ? value.ToString("0.####################", CultureInfo.InvariantCulture) : text;
    }

    /// <summary>Rules around the DuckDB figure m with the outcome each must have: = and between at the exact boundaries for exact metrics, a tolerance band for floating sums.</summary>
    private static IEnumerable<(string Rule, string Expected)> Around(Case c, double m)
    {
        if (c.Outcome == "exact")
        {
            yield return (With(c.Rule, $"= {Literal(m)}"), QualityOutcome.Passed);
            yield return (With(c.Rule, $">= {Literal(m)}"), QualityOutcome.Passed);
            yield return (With(c.Rule, $"> {Literal(m)}"), QualityOutcome.Failed);
            yield return (With(c.Rule, $"between {Literal(m)} and {Literal(m + 1)}"), QualityOutcome.Failed);
            yield return (With(c.Rule, $"between {Literal(m - 1)} and {Literal(m)}"), QualityOutcome.Failed);
            yield return (With(c.Rule, $"between {Literal(m - 0.0001)} and {Literal(m + 0.0001)}"), QualityOutcome.Passed);
            yield return (With(c.Rule, $"not between {Literal(m)} and {Literal(m + 1)}"), QualityOutcome.Passed);
            yield return (With(c.Rule, $"in [{Literal(m + 1)}, {Literal(m)}]"), QualityOutcome.Passed);
            yield return (With(c.Rule, $"!= {Literal(m)}"), QualityOutcome.Failed);
            yield break;
        }
        var d = 1e-9 * Math.Max(1, Math.Abs(m));
        yield return (With(c.Rule, $"between {Literal(m - d)} and {Literal(m + d)}"), QualityOutcome.Passed);
        yield return (With(c.Rule, $"> {Literal(m + d)}"), QualityOutcome.Failed);
        yield return (With(c.Rule, $"< {Literal(m - d)}"), QualityOutcome.Failed);
    }

    /// <summary>The rule with a condition, which goes before its where clause.</summary>
    private static string With(string rule, string condition)
    {
        var at = rule.IndexOf(" where \"", StringComparison.Ordinal);
        return at < 0 ? $"{rule} {condition}" : $"{rule[..at]} {condition}{rule[at..]}";
    }

    [Theory]
    [InlineData(1)]
    [InlineData(3)]
    [InlineData(17)]
    public void Every_metric_equals_DuckDB_and_every_outcome_follows_from_it(int splits)
    {
        var dir = Data.Value;
        var cases = Cases();
        var expected = new List<(Case Case, double Metric, string Rule, string Outcome)>();
        foreach (var c in cases)
        {
            var m = Number(Reference.Query(Views(dir) + c.Query).Single()[0]) ?? throw new InvalidOperationException($"{c.Rule}: DuckDB gave NULL");
            if (c.Outcome is "exact" or "approx")
                expected.AddRange(Around(c, m).Select(r => (c, m, r.Rule, r.Expected)));
            else
                expected.Add((c, m, c.Rule, Reference.Query(Views(dir) + c.Outcome).Single()[0] is true ? QualityOutcome.Passed : QualityOutcome.Failed));
        }
        var ruleset = DqRuleset.Parse($"Rules = [\n  {string.Join(",\n  ", expected.Select(e => e.Rule))}\n]");
        using var home = new TempFolder("dq-home");
        DataFrame Primary(GlintSettings s)
        {
            var session = new GlintSession(new SessionOptions { Home = home.Path, Settings = s });
            return session.Read.Parquet(Path.Combine(dir, "t"));
        }
        RulesetEvaluation Plan(DataFrame primary) => RulesetEvaluation.Plan("diff", ruleset, primary, References(primary.Session, dir), nowUtc: Now);
        var total = Directory.GetFiles(Path.Combine(dir, "t")).Sum(f => new FileInfo(f).Length);
        // Only the data's scan decides the split count (the references are one file each), so the search plans just that scan.
        var settings = SplitSearch.For(s => Primary(s).Session.Plan([new Glint.Plan.PlannedAction(Primary(s).Plan, new Glint.Plan.CollectSink())]), splits, total);
        var evaluation = Plan(Primary(settings));
        Assert.All(SplitSearch.Scans(Primary(settings).Session.Plan(evaluation.Actions)), s => Assert.Equal(SplitSearch.Expected(s, splits), s.Splits.Length));

        var result = evaluation.Run();
        Assert.Equal(expected.Count, result.Outcomes.Length);
        var wrong = new List<string>();
        foreach (var (e, outcome) in expected.Zip(result.Outcomes))
        {
            if (outcome.Outcome != e.Outcome) wrong.Add($"{e.Rule}: {outcome.Outcome} ({outcome.Reason}), expected {e.Outcome}");
            if (!outcome.Metrics.TryGetValue(e.Case.Metric, out var metric)) { wrong.Add($"{e.Rule}: no metric {e.Case.Metric} in [{string.Join(", ", outcome.Metrics.Keys)}]"); continue; }
            var tolerance = e.Case.Outcome == "approx" ? 1e-9 * Math.Max(1, Math.Abs(e.Metric)) : 0;
            if (Math.Abs(metric - e.Metric) > tolerance) wrong.Add($"{e.Rule}: {e.Case.Metric} is {metric:R}, DuckDB says {e.Metric:R}");
        }
        Assert.True(wrong.Count == 0, string.Join("\n", wrong));
    }

    internal static Dictionary<string, DataFrame> References(GlintSession session, string dir) => new()
    {
        ["ref"] = session.Read.Parquet(Path.Combine(dir, "ref.parquet")),
        ["ref2"] = session.Read.Parquet(Path.Combine(dir, "ref2.parquet")),
    };
}
