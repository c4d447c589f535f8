using System.Text.Json;
using Glint.Api;
using Glint.Common;
using Glint.Execution;
using Glint.Quality;
using Glint.Tests.Support;

namespace Glint.Tests.Quality;

/// <summary>Rules the differential test cannot state as one DuckDB figure: schema rules, composites, analyzers, labels, history, errors; and glint dq as a user runs it.</summary>
public sealed class DataQualityRuleTests : IDisposable
{
    private readonly TempFolder dir = new("dq-rules");
    private readonly string data = DataQualityDifferentialTests.Generate();

    public void Dispose() => dir.Dispose();

    private DataFrame Data(out GlintSession session)
    {
        session = new GlintSession(new SessionOptions { Home = dir["home"] });
        return session.Read.Parquet(Path.Combine(data, "t"));
    }

    private DataQualityResult Evaluate(string rules, MetricHistory? history = null)
    {
        var frame = Data(out var session);
        return RulesetEvaluation.Plan("r", DqRuleset.Parse(rules), frame, DataQualityDifferentialTests.References(session, data), history,
            DataQualityDifferentialTests.Now).Run();
    }

    private static string Outcomes(DataQualityResult r) => string.Join("\n", r.Outcomes.Select(o => $"{o.Outcome}: {o.Rule}"));

    [Fact]
    public void Schema_rules_decide_on_the_columns()
    {
        var r = Evaluate("""Rules = [ ColumnExists "qty", ColumnExists "nope", ColumnNamesMatchPattern "[a-z0-9]+", ColumnNamesMatchPattern "[a-z]+", ColumnCount = 12, SchemaMatch "ref2" = 0.25, SchemaMatch "ref2" > 0.25 ]""");
        Assert.Equal("""
            Passed: ColumnExists "qty"
            Failed: ColumnExists "nope"
            Passed: ColumnNamesMatchPattern "[a-z0-9]+"
            Failed: ColumnNamesMatchPattern "[a-z]+"
            Passed: ColumnCount = 12
            Passed: SchemaMatch "ref2" = 0.25
            Failed: SchemaMatch "ref2" > 0.25
            """, Outcomes(r));
        Assert.Contains("k1, k2", r.Outcomes[3].Reason);
        Assert.Equal(4.0 / 7, r.Score, 9);
    }

    [Fact]
    public void Composites_pass_as_and_or_say_and_carry_their_operands_metrics()
    {
        var r = Evaluate("""Rules = [ (IsComplete "id") and (IsComplete "customer"), (IsComplete "id") or (IsComplete "customer"), ((RowCount > 10) and (IsUnique "id")) or (RowCount < 0) ]""");
        Assert.Equal([QualityOutcome.Failed, QualityOutcome.Passed, QualityOutcome.Passed], r.Outcomes.Select(o => o.Outcome));
        Assert.Equal(1, r.Outcomes[0].Metrics["Column.id.Completeness"]);
        Assert.True(r.Outcomes[0].Metrics["Column.customer.Completeness"] < 1);
        Assert.Contains("Column.customer.Completeness", r.Outcomes[0].Reason);
    }

    [Fact]
    public void Analyzers_only_measure_and_labels_come_with_each_outcome()
    {
        var r = Evaluate("""
            DefaultLabels = ["team"="orders"]
            Rules = [ RowCount > 0 labels=["owner"="ana", "team"="billing"] ]
            Analyzers = [ AllStatistics "amount", Completeness "customer" ]
            """);
        Assert.Equal([QualityOutcome.Passed, QualityOutcome.Analyzed, QualityOutcome.Analyzed], r.Outcomes.Select(o => o.Outcome));
        Assert.Equal(new Dictionary<string, string> { ["team"] = "billing", ["owner"] = "ana" }, r.Outcomes[0].Labels);
        Assert.Equal(new Dictionary<string, string> { ["team"] = "orders" }, r.Outcomes[1].Labels);
        var stats = r.Outcomes[1].Metrics;
        var expected = Reference.Query($"SELECT avg(amount), min(amount), max(amount) FROM read_parquet('{data}/t/*.parquet')").Single();
        Assert.Equal(Convert.ToDouble(expected[0]), stats["Column.amount.Mean"], 9);
        Assert.Equal(Convert.ToDouble(expected[1]), stats["Column.amount.Minimum"]);
        Assert.Equal(Convert.ToDouble(expected[2]), stats["Column.amount.Maximum"]);
        Assert.Equal(1, r.Score);
    }

    [Fact]
    public void Dynamic_rules_and_anomalies_read_the_history_they_are_given()
    {
        var rows = Convert.ToDouble(Reference.Query($"SELECT count(*) FROM read_parquet('{data}/t/*.parquet')").Single()[0]);
        IReadOnlyList<double> Steady(string rule, string metric, int k) => metric == "Dataset.*.RowCount" ? [.. Enumerable.Repeat(rows * 2, k)] : [];
        var r = Evaluate("Rules = [ RowCount >= avg(last(3)), RowCount > 0.4 * min(last(5)), DetectAnomalies \"RowCount\" ]", Steady);
        Assert.Equal([QualityOutcome.Failed, QualityOutcome.Passed, QualityOutcome.Failed], r.Outcomes.Select(o => o.Outcome));
        Assert.Contains("outside", r.Outcomes[2].Reason);
        var first = Evaluate("Rules = [ RowCount >= avg(last(3)), DetectAnomalies \"RowCount\" ]");
        Assert.All(first.Outcomes, o => Assert.Equal(QualityOutcome.Passed, o.Outcome));
        Assert.Contains("no earlier run", first.Outcomes[0].Reason);
    }

    [Fact]
    public void Rules_on_no_rows_are_errors_and_mistakes_fail_before_any_task()
    {
        var empty = Evaluate("""Rules = [ Completeness "customer" > 0.5 where "qty > 100", RowCount = 0 where "qty > 100" ]""");
        Assert.Equal([QualityOutcome.Error, QualityOutcome.Passed], empty.Outcomes.Select(o => o.Outcome));
        Assert.False(empty.Passed);
        // No row reaches the aggregate at all (a filter that keeps none): counts are 0, not missing.
        var frame = Data(out var session);
        var none = RulesetEvaluation.Plan("r", DqRuleset.Parse("""Rules = [ RowCount = 0, IsComplete "id" ]"""), frame.Filter("qty > 100")).Run();
        Assert.Equal([QualityOutcome.Passed, QualityOutcome.Error], none.Outcomes.Select(o => o.Outcome));
        Assert.Equal(0, none.Outcomes[0].Metrics["Dataset.*.RowCount"]);
        var missing = Assert.Throws<PlanException>(() => RulesetEvaluation.Plan("r", DqRuleset.Parse("""Rules = [ IsComplete "nope" ]"""), frame));
        Assert.StartsWith("rule IsComplete \"nope\": column 'nope' does not exist", missing.Message);
        var where = Assert.Throws<PlanException>(() => RulesetEvaluation.Plan("r", DqRuleset.Parse("""Rules = [ RowCount > 0 where "nope > 1" ]"""), frame));
        Assert.Contains("nope", where.Message);
        var reference = Assert.Throws<PlanException>(() => RulesetEvaluation.Plan("r", DqRuleset.Parse("""Rules = [ RowCountMatch "other" = 1 ]"""), frame));
        Assert.Contains("no reference data named 'other'", reference.Message);
        Assert.Empty(Directory.Exists(dir["home/scratch"]) ? Directory.GetDirectories(dir["home/scratch"]) : []);
    }

    [Fact]
    public void Glint_dq_check_prints_the_outcomes_and_exits_1_on_a_failing_rule_and_recommend_gives_a_ruleset_the_data_passes()
    {
        File.WriteAllText(dir["orders.dqdl"], """
            Rules = [
              IsComplete "id",
              Completeness "customer" >= 0.95,
              ReferentialIntegrity "customer" "customers.customer" >= 0.5
            ]
            """);
        var check = GlintCli.Run(dir["home"], "dq", "check", Path.Combine(data, "t"), "--ruleset", dir["orders.dqdl"], "--source", $"customers={data}/ref.parquet", "--json");
        Assert.Equal(1, check.ExitCode);
        var lines = check.Output.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => JsonDocument.Parse(l).RootElement).ToList();
        Assert.Equal(["Passed", "Failed", "Passed"], lines.Select(l => l.GetProperty("outcome").GetString()));
        Assert.Equal("Completeness \"customer\" >= 0.95", lines[1].GetProperty("rule").GetString());
        var error = Assert.Single(check.Error.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.StartsWith("error (data quality): ruleset 'orders': 1 of 3 rules did not pass: Completeness \"customer\" >= 0.95 (Failed:", error);

        var recommended = GlintCli.Run(dir["home"], "dq", "recommend", Path.Combine(data, "t"));
        Assert.True(recommended.ExitCode == 0, recommended.All);
        Assert.Contains("IsUnique \"id\"", recommended.Output);
        Assert.Contains("ColumnValues \"status\" in [\"\", \"  \", \"A\", \"B\", \"C\"] with threshold >= 0.93", recommended.Output);
        File.WriteAllText(dir["recommended.dqdl"], recommended.Output);
        var again = GlintCli.Run(dir["home"], "dq", "check", Path.Combine(data, "t"), "--ruleset", dir["recommended.dqdl"]);
        Assert.True(again.ExitCode == 0, again.All);
        Assert.Contains("score 1", again.Output);
    }
}
