using System.Globalization;
using DuckDB.NET.Data;
using Glint.Api;
using Glint.Execution;
using Glint.Jobs;
using Glint.Quality;
using Glint.Samples;
using static Glint.Bench.Measure;

namespace Glint.Bench;

/// <summary>
/// Scenario dq: what a quality gate costs. The narrow job of scenario (a) with no gate, with an evaluate_data_quality gate
/// (on_failure: continue) and with a quarantine; and a ruleset evaluated alone (glint dq check) against one plain DuckDB
/// query computing the same figures over the same files.
/// </summary>
internal static class QualityBench
{
    private const string Rules = """
        Rules = [
          RowCount > 0,
          IsComplete "order_id",
          IsUnique "order_id",
          Completeness "customer_id" >= 0.9,
          ColumnValues "status" in ["shipped", "pending", "returned"],
          ColumnValues "quantity" between 0 and 6,
          Mean "amount" > 0,
          DistinctValuesCount "product" > 1
        ]
        """;

    private const string DuckDbFigures = """
        SELECT count(*), count(order_id) / count(*),
               (SELECT count(*) FILTER (WHERE n = 1) FROM (SELECT order_id, count(*) AS n FROM t GROUP BY order_id)) / count(*),
               count(customer_id) / count(*), count_if(status IN ('shipped', 'pending', 'returned')) / count(*),
               count_if(quantity > 0 AND quantity < 6) / count(*), avg(amount), (SELECT count(DISTINCT product) FROM t)
        FROM t
        """;

    public static void Run(BenchOptions o, DuckDBConnection duckdb)
    {
        var data = Path.Combine(o.Data, $"sales-{o.Rows}");
        if (!File.Exists(Path.Combine(data, "_complete")))
        {
            if (Directory.Exists(data)) Directory.Delete(data, true);
            SalesDataGenerator.Sales(data, o.Rows, days: 30, filesPerDay: 8);
            File.WriteAllText(Path.Combine(data, "_complete"), "");
        }
        Console.WriteLine($"\n(dq) quality gates on scenario (a)'s job: {o.Rows:N0} rows; 8 rules (RowCount, IsComplete, IsUnique, Completeness, 2 × ColumnValues, Mean, DistinctValuesCount)");
        var session = new GlintSession(new SessionOptions { Home = Path.Combine(o.Data, "home") });
        string Spec(string gate, string output) => $$"""
            name: bench_dq
            sources:
              sales: { path: {{data}} }
            transforms:
              - { name: shipped, from: sales, filter: "status = 'shipped' AND quantity > 1" }
            {{gate}}
            targets:
              - { from: checked, path: {{output}}, mode: overwrite, partition_by: [day] }
            {{(gate.Contains("quarantine:") ? $"  - {{ from: rejected, path: {output}-rejected, mode: overwrite }}" : "")}}
            """;
        var indented = string.Join("\n", Rules.Split('\n').Select(l => "            " + l));
        string Gate(string onFailure) => $"""
              - name: checked
                from: shipped
                evaluate_data_quality:
                  on_failure: {onFailure}
                  ruleset: |
            {indented}
            """ + (onFailure == "quarantine" ? "\n      quarantine: rejected" : "");
        RunSummary Job(string spec)
        {
            var plan = JobPlanner.Plan(JobSpecLoader.Parse(spec, data), session);
            return session.Run(plan.Actions, default, plan.Gate).Summary;
        }
        var none = Spec("  - { name: checked, from: shipped, select: [order_id, customer_id, product, quantity, \"round(amount * quantity, 2) AS revenue\", ts, day] }", Path.Combine(o.Data, "out-dq-none"));
        var gated = Spec(Gate("continue"), Path.Combine(o.Data, "out-dq-gate"));
        var quarantined = Spec(Gate("quarantine").Replace("between 0 and 6", "between 1 and 5"), Path.Combine(o.Data, "out-dq-quarantine"));
        RunSummary? g = null, q = null;
        var jobs = Interleaved(o.Repeat, () => Job(none), () => g = Job(gated), () => q = Job(quarantined));
        Report("job, no gate", jobs[0]);
        Report($"job + gate, on_failure: continue ({g!.Stages.Length} stages)", jobs[1]);
        Report($"job + gate, on_failure: quarantine ({q!.Quality.Count(x => x.Outcome == "Passed")} of 8 rules passed)", jobs[2]);
        Console.WriteLine($"ratio gate/no gate = {Ratio(jobs[1], jobs[0])}; quarantine/no gate = {Ratio(jobs[2], jobs[0])}");

        var ruleset = DqRuleset.Parse(Rules);
        var frame = session.Read.Parquet(data);
        DataQualityResult? result = null;
        var alone = Interleaved(o.Repeat,
            () => Execute(duckdb, $"WITH t AS (SELECT * FROM read_parquet('{data}/**/*.parquet', hive_partitioning=true)) {DuckDbFigures}"),
            () => result = RulesetEvaluation.Plan("bench", ruleset, frame).Run());
        Report("duckdb: the same figures in one query (threads=all)", alone[0]);
        Report($"glint dq check: 8 rules ({result!.RulesPassed} passed)", alone[1]);
        Console.WriteLine($"ratio dq check/duckdb = {Ratio(alone[1], alone[0])}");
    }

    private static string Ratio(double a, double b) => (a / b).ToString("0.00", CultureInfo.InvariantCulture);

    private static void Report(string label, double seconds) => Console.WriteLine($"  {label,-70} {Seconds(seconds),8} s");
}
