using System.Collections.Immutable;
using Glint.Execution;
using Glint.Jobs;
using Glint.Tests.Support;

namespace Glint.Tests.Quality;

/// <summary>Quality gates inside jobs: a medallion job's quarantine splits rows exactly, a failing gate leaves targets byte-identical, a dynamic rule reads the job's history.</summary>
public sealed class DataQualityJobTests : IDisposable
{
    private readonly TempFolder dir = new("dq-jobs");
    private readonly SqlJobStore store;
    private readonly string data = DataQualityDifferentialTests.Generate();

    public DataQualityJobTests() => store = SqlJobStore.Open(dir["metastore.db"], dir.Path);

    public void Dispose()
    {
        store.Dispose();
        dir.Dispose();
    }

    private JobRunner Runner() => new(store, new SessionOptions { Home = dir["home"], Metastore = dir["metastore.db"] });

    private string Medallion(string onFailure, string rules) => $$"""
        name: medallion
        sources:
          bronze: { path: {{data}}/t }
          customers: { path: {{data}}/ref.parquet }
        transforms:
          - name: silver
            from: bronze
            evaluate_data_quality:
              ruleset: |
                Rules = [
                  {{rules}}
                ]
              on_failure: {{onFailure}}
        {{(onFailure == "quarantine" ? "      quarantine: rejected\n      row_level_columns: true" : "")}}
        targets:
          - { from: silver, path: {{dir["silver"]}}, mode: overwrite }
        {{(onFailure == "quarantine" ? $"  - {{ from: rejected, path: {dir["quarantine"]}, mode: overwrite }}" : "")}}
        """;

    private const string RowRules = """RowCount > 0, IsComplete "customer", ColumnValues "status" in ["A", "B", "C"], ReferentialIntegrity "customer" "customers.customer" > 0.5""";

    private JobRun Run(string name, string spec)
    {
        // Two retries: a run stopped by its gate is still not retried (the same input fails the same way).
        var job = new JobDefinition(name, spec, ImmutableDictionary<string, string>.Empty, MaxRetries: 2);
        if (store.FindJob(name) is null) store.CreateJob(job);
        else store.UpdateJob(job);
        return Runner().Start(name, ImmutableDictionary<string, string>.Empty);
    }

    private static List<string> Ids(string sql) => Reference.Canonical(Reference.Query(sql));

    [Fact]
    public void Quarantine_splits_the_rows_exactly_and_records_the_outcomes_with_the_run()
    {
        var measured = new List<(string Instrument, double Value, Dictionary<string, object?> Tags)>();
        using var listener = new System.Diagnostics.Metrics.MeterListener();
        listener.InstrumentPublished = (instrument, l) => { if (instrument.Name.StartsWith("glint.dq.", StringComparison.Ordinal)) l.EnableMeasurementEvents(instrument); };
        void Keep(System.Diagnostics.Metrics.Instrument i, double v, ReadOnlySpan<KeyValuePair<string, object?>> tags)
        {
            var copy = tags.ToArray().ToDictionary(t => t.Key, t => t.Value);
            lock (measured) measured.Add((i.Name, v, copy));
        }
        listener.SetMeasurementEventCallback<double>((i, v, tags, _) => Keep(i, v, tags));
        listener.SetMeasurementEventCallback<long>((i, v, tags, _) => Keep(i, v, tags));
        listener.Start();
        var run = Run("medallion", Medallion("quarantine", RowRules));
        Assert.True(run.State == RunState.Succeeded, run.Error);
        var bronze = $"read_parquet('{data}/t/*.parquet')";
        var silver = $"read_parquet('{dir["silver"]}/**/*.parquet')";
        var quarantine = $"read_parquet('{dir["quarantine"]}/**/*.parquet')";
        // Passing + quarantined rows = input rows, exactly; each side is what DuckDB says it is.
        Assert.Equal(Ids($"SELECT id FROM {bronze}"), Ids($"SELECT id FROM {silver} UNION ALL SELECT id FROM {quarantine}"));
        Assert.Equal(Ids($"SELECT id FROM {bronze} WHERE customer IS NOT NULL AND status IN ('A', 'B', 'C')"), Ids($"SELECT id FROM {silver}"));
        Assert.Equal(Ids($"SELECT 'Failed' FROM {bronze} WHERE NOT (customer IS NOT NULL AND coalesce(status IN ('A', 'B', 'C'), false))"),
            Ids($"SELECT DataQualityEvaluationResult FROM {quarantine}"));
        // A row missing its customer names exactly that rule as failed; RowCount decides on the whole data and is skipped row by row.
        var row = Reference.Query($"SELECT DataQualityRulesFail, DataQualityRulesPass, DataQualityRulesSkip FROM {quarantine} WHERE customer IS NULL AND status = 'A' LIMIT 1").Single();
        Assert.Equal(["IsComplete \"customer\""], ((System.Collections.IEnumerable)row[0]!).Cast<string>());
        Assert.Contains("ColumnValues \"status\" in [\"A\",\"B\",\"C\"]", ((System.Collections.IEnumerable)row[1]!).Cast<string>());
        Assert.Contains("RowCount > 0", ((System.Collections.IEnumerable)row[2]!).Cast<string>());

        var outcomes = store.FindRun(run.RunId)!.Record!.Quality!;
        Assert.Equal(4, outcomes.Count);
        var complete = outcomes.Single(o => o.Rule == "IsComplete \"customer\"");
        Assert.Equal(QualityOutcome.Failed, complete.Outcome);
        Assert.Equal(Convert.ToDouble(Reference.Query($"SELECT count(customer) / count(*) FROM {bronze}").Single()[0]), complete.Metrics["Column.customer.Completeness"]);
        Assert.Equal(QualityOutcome.Passed, outcomes.Single(o => o.Rule.StartsWith("ReferentialIntegrity")).Outcome);

        // Exported as OpenTelemetry metrics too, with the run's id.
        List<(string Instrument, double Value, Dictionary<string, object?> Tags)> mine;
        lock (measured) mine = [.. measured.Where(m => (string?)m.Tags["glint.run_id"] == run.RunId.Value)];
        Assert.Equal(4, mine.Count(m => m.Instrument == "glint.dq.rules"));
        Assert.Contains(mine, m => m.Instrument == "glint.dq.rules" && (string?)m.Tags["glint.dq.outcome"] == "Failed" && (string?)m.Tags["glint.dq.rule"] == "IsComplete \"customer\"");
        Assert.Contains(mine, m => m.Instrument == "glint.dq.metric" && (string?)m.Tags["glint.dq.metric"] == "Column.customer.Completeness" && m.Value == complete.Metrics["Column.customer.Completeness"]);
    }

    [Fact]
    public void A_failing_gate_stops_the_run_before_its_commit_and_every_target_stays_byte_identical()
    {
        Assert.Equal(RunState.Succeeded, Run("medallion", Medallion("quarantine", RowRules)).State);
        var (silver, quarantine) = (TreeSnapshot.Of(dir["silver"]), TreeSnapshot.Of(dir["quarantine"]));
        var failing = Medallion("fail", """IsComplete "id", IsComplete "customer" """) +
            $"\n  - {{ from: bronze, path: {dir["quarantine"]}, mode: overwrite }}\n";
        var run = Run("medallion", failing);
        Assert.Equal(RunState.Failed, run.State);
        Assert.StartsWith("data quality: ruleset 'silver': 1 of 2 rules did not pass: IsComplete \"customer\" (Failed:", run.Error);
        Assert.Equal(1, run.Attempt);
        Assert.Single(store.Runs("medallion"), r => r.State == RunState.Failed);
        Assert.Equal(silver, TreeSnapshot.Of(dir["silver"]));
        Assert.Equal(quarantine, TreeSnapshot.Of(dir["quarantine"]));
        // continue records the same failure and writes.
        var continued = Run("medallion", Medallion("continue", """IsComplete "customer" """));
        Assert.Equal(RunState.Succeeded, continued.State);
        Assert.Equal(QualityOutcome.Failed, Assert.Single(continued.Record!.Quality!).Outcome);
        Assert.Equal(Ids($"SELECT id FROM read_parquet('{data}/t/*.parquet')"), Ids($"SELECT id FROM read_parquet('{dir["silver"]}/**/*.parquet')"));
    }

    [Fact]
    public void A_dynamic_rule_fails_the_run_whose_row_count_drops_below_the_average_of_the_last_three()
    {
        var spec = $$"""
            name: incremental
            sources:
              events: { path: {{dir["in"]}} }
            transforms:
              - name: checked
                from: events
                evaluate_data_quality:
                  ruleset: 'Rules = [ RowCount >= avg(last(3)) ]'
            targets:
              - { from: checked, path: {{dir["out"]}}, mode: append }
            """;
        store.CreateJob(new JobDefinition("incremental", spec, ImmutableDictionary<string, string>.Empty, Bookmarks: BookmarkOption.Enable));
        void AddFile(int n, int rows)
        {
            Directory.CreateDirectory(dir["in"]);
            Reference.Execute($"COPY (SELECT {n} * 1000 + range AS id FROM range({rows})) TO '{dir[$"in/part-{n:D3}.parquet"]}' (FORMAT PARQUET)");
        }
        foreach (var (n, rows) in new[] { (1, 100), (2, 120), (3, 110) })
        {
            AddFile(n, rows);
            var ok = Runner().Start("incremental", ImmutableDictionary<string, string>.Empty);
            Assert.True(ok.State == RunState.Succeeded, ok.Error);
            Assert.Equal(rows, ok.Record!.Quality!.Single().Metrics["Dataset.*.RowCount"]);
        }
        AddFile(4, 109);  // below (100 + 120 + 110) / 3 = 110
        var before = TreeSnapshot.Of(dir["out"]);
        var dropped = Runner().Start("incremental", ImmutableDictionary<string, string>.Empty);
        Assert.Equal(RunState.Failed, dropped.State);
        Assert.Contains("Dataset.*.RowCount is 109, which does not meet >= avg(last(3))", dropped.Error);
        Assert.Equal(before, TreeSnapshot.Of(dir["out"]));
        AddFile(5, 2);  // the bookmark did not advance: the next run reads file 4 again, with file 5
        var next = Runner().Start("incremental", ImmutableDictionary<string, string>.Empty);
        Assert.True(next.State == RunState.Succeeded, next.Error);
        Assert.Equal(111, next.Record!.Quality!.Single().Metrics["Dataset.*.RowCount"]);

        // The report shows the outcome and the metric's trend over the runs that recorded it (the failed run recorded none).
        var html = Glint.Reports.RunReport.Render(next, store.TaskAttempts(next.RunId), store.Runs("incremental"));
        Assert.Contains("<section id=\"quality\">", html);
        Assert.Contains("<code>RowCount &gt;= avg(last(3))</code>", html);
        var points = System.Text.RegularExpressions.Regex.Match(html, "<polyline[^>]*points=\"([^\"]*)\"").Groups[1].Value;
        Assert.Equal(4, points.Split(' ').Length);
        Assert.Contains("Dataset.*.RowCount: 100, 120, 110, 111", html);
    }
}
