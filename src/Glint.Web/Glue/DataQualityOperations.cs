using System.Text.Json.Nodes;
using Glint.Api;
using Glint.Execution;
using Glint.Quality;

namespace Glint.Web.Glue;

/// <summary>
/// Glue Data Quality on the catalog: rulesets kept as documents, evaluation runs of rulesets on a catalog table (in the
/// server's process, in the background), and their results (docs/data-quality.md, docs/glue-api.md).
/// </summary>
internal static class DataQualityOperations
{
    private const string Rulesets = "dq-ruleset", Runs = "dq-run", Results = "dq-result";

    public static void Register(GlueService s)
    {
        s.Add("CreateDataQualityRuleset", r => Create(s, r));
        s.Add("GetDataQualityRuleset", r => Ruleset(s, r.Required("Name")));
        s.Add("UpdateDataQualityRuleset", r => Update(s, r));
        s.Add("DeleteDataQualityRuleset", r => Delete(s, r));
        s.Add("ListDataQualityRulesets", r => GluePage.Write(r, [.. Documents(s, Rulesets).Where(d => Targets(r, d))], Listed, "Rulesets", 1000));
        s.Add("StartDataQualityRulesetEvaluationRun", r => Start(s, r));
        s.Add("GetDataQualityRulesetEvaluationRun", r => Find(s, Runs, r.Required("RunId"), "evaluation run"));
        s.Add("ListDataQualityRulesetEvaluationRuns", r => GluePage.Write(r, [.. Documents(s, Runs).OrderByDescending(d => (double?)d["StartedOn"])],
            d => new JsonObject { ["RunId"] = (string?)d["RunId"], ["Status"] = (string?)d["Status"], ["StartedOn"] = d["StartedOn"]?.DeepClone(), ["DataSource"] = d["DataSource"]?.DeepClone() },
            "Runs", 200));
        s.Add("GetDataQualityResult", r => Find(s, Results, r.Required("ResultId"), "result"));
        s.Add("BatchGetDataQualityResult", r => BatchGet(s, r));
        s.Add("ListDataQualityResults", r => GluePage.Write(r, [.. Documents(s, Results).OrderByDescending(d => (double?)d["StartedOn"])],
            d => new JsonObject { ["ResultId"] = (string?)d["ResultId"], ["DataSource"] = d["DataSource"]?.DeepClone(), ["StartedOn"] = d["StartedOn"]?.DeepClone() },
            "Results", 200));
    }

    private static IEnumerable<JsonObject> Documents(GlueService s, string kind) => s.Store.Documents(kind, "").Values.Select(GlueJson.Parse);

    private static JsonObject Find(GlueService s, string kind, string id, string what) =>
        GlueJson.Parse(s.Store.Document(kind, id) ?? throw GlueError.NotFound($"Data quality {what} {id} not found."));

    /// <summary>The ruleset's DQDL, parsed: a mistake is InvalidInputException naming its line and column.</summary>
    private static void Check(string name, string text)
    {
        try { DqRuleset.Parse(text); }
        catch (Common.RulesetException e) { throw GlueError.Invalid($"ruleset {name}: {e.Message}"); }
    }

    private static JsonObject Create(GlueService s, GlueRequest r)
    {
        var name = r.Required("Name");
        var text = r.Required("Ruleset");
        Check(name, text);
        // CreateDataQualityRuleset declares no EntityNotFoundException: a missing target table is invalid input.
        if (r.Object("TargetTable") is { } target && GlueError.Attempt(() => Table(s, r, "TargetTable", target)) is { } error)
            throw GlueError.Invalid((string)error["ErrorMessage"]!);
        if (s.Store.Document(Rulesets, name) is not null) throw GlueError.Exists($"Ruleset {name} already exists.");
        var now = GlueJson.Time(DateTimeOffset.UtcNow);
        var document = new JsonObject { ["Name"] = name, ["Ruleset"] = text, ["CreatedOn"] = now.DeepClone(), ["LastModifiedOn"] = now }
            .Put("Description", r.Text("Description")).Put("TargetTable", r.Object("TargetTable")?.DeepClone());
        s.Store.SetDocument(Rulesets, name, document.ToJsonString());
        if (r.Map("Tags") is { Count: > 0 } tags) s.Store.Tag($"dataQualityRuleset/{name}", tags);
        return new JsonObject { ["Name"] = name };
    }

    private static JsonObject Ruleset(GlueService s, string name) => Find(s, Rulesets, name, "ruleset");

    private static JsonObject Update(GlueService s, GlueRequest r)
    {
        var name = r.Required("Name");
        var document = Ruleset(s, name);
        var output = new JsonObject { ["Name"] = name };
        if (r.Text("Ruleset") is { } text)
        {
            Check(name, text);
            document["Ruleset"] = text;
            output["Ruleset"] = text;
        }
        if (r.Text("Description") is { } description)
        {
            document["Description"] = description;
            output["Description"] = description;
        }
        document["LastModifiedOn"] = GlueJson.Time(DateTimeOffset.UtcNow);
        s.Store.SetDocument(Rulesets, name, document.ToJsonString());
        return output;
    }

    private static JsonObject Delete(GlueService s, GlueRequest r)
    {
        var name = Ruleset(s, r.Required("Name"))["Name"]!.GetValue<string>();
        s.Store.SetDocument(Rulesets, name, null);
        return [];
    }

    private static JsonObject Listed(JsonObject d) => new JsonObject { ["Name"] = (string?)d["Name"], ["CreatedOn"] = d["CreatedOn"]?.DeepClone(),
        ["LastModifiedOn"] = d["LastModifiedOn"]?.DeepClone(), ["RuleCount"] = DqRuleset.Parse((string)d["Ruleset"]!).Rules.Length }
        .Put("Description", (string?)d["Description"]).Put("TargetTable", d["TargetTable"]?.DeepClone());

    /// <summary>ListDataQualityRulesets' Filter.TargetTable, when given.</summary>
    private static bool Targets(GlueRequest r, JsonObject d) =>
        r.Object("Filter.TargetTable") is not { } wanted
        || (string?)d["TargetTable"]?["DatabaseName"] == (string?)wanted["DatabaseName"] && (string?)d["TargetTable"]?["TableName"] == (string?)wanted["TableName"];

    /// <summary>A GlueTable (or TargetTable) that names a catalog table: "db.table".</summary>
    private static string Table(GlueService s, GlueRequest r, string path, JsonObject table)
    {
        var item = r.Item(table, path);
        var (database, name) = (item.Required("DatabaseName"), item.Required("TableName"));
        if (s.Store.FindTable(database, name) is null) throw GlueError.NotFound($"{r.Operation}: table {database}.{name} not found.");
        return $"{database}.{name}";
    }

    private static JsonObject Start(GlueService s, GlueRequest r)
    {
        r.Required("Role");
        var source = r.RequiredObject("DataSource");
        var table = Table(s, r, "DataSource.GlueTable", r.RequiredObject("DataSource.GlueTable"));
        var names = r.Strings("RulesetNames", required: true, max: 10);
        if (names.Count == 0) throw GlueError.Invalid($"{r.Operation}: RulesetNames is required");
        var rulesets = names.Select(n => (Name: n, Text: (string)Ruleset(s, n)["Ruleset"]!)).ToList();
        var references = r.Object("AdditionalDataSources") is { } more
            ? more.ToDictionary(kv => kv.Key, kv => Table(s, r, $"AdditionalDataSources.{kv.Key}.GlueTable", r.RequiredObject($"AdditionalDataSources.{kv.Key}.GlueTable")))
            : [];
        var id = "dqrun-" + Guid.NewGuid().ToString("N");
        var now = DateTimeOffset.UtcNow;
        var run = new JsonObject { ["RunId"] = id, ["DataSource"] = source.DeepClone(), ["Role"] = r.Required("Role"), ["Status"] = "RUNNING",
            ["StartedOn"] = GlueJson.Time(now), ["LastModifiedOn"] = GlueJson.Time(now), ["RulesetNames"] = GlueJson.Strings(names), ["ResultIds"] = new JsonArray() }
            .Put("AdditionalDataSources", r.Object("AdditionalDataSources")?.DeepClone()).Put("NumberOfWorkers", r.Int("NumberOfWorkers", 1))
            .Put("Timeout", r.Int("Timeout", 1));
        s.Store.SetDocument(Runs, id, run.ToJsonString());
        s.InBackground(() => Evaluate(s, run, table, references, rulesets, now));
        return new JsonObject { ["RunId"] = id };
    }

    /// <summary>Each ruleset evaluated on the table in one Glint run; the run ends SUCCEEDED with a result per ruleset, or FAILED with the error.</summary>
    private static void Evaluate(GlueService s, JsonObject run, string table, Dictionary<string, string> references, List<(string Name, string Text)> rulesets, DateTimeOffset started)
    {
        try
        {
            var session = new GlintSession(s.Defaults);
            var data = session.Table(table);
            var refs = references.ToDictionary(kv => kv.Key, kv => session.Table(kv.Value));
            foreach (var (name, text) in rulesets)
            {
                var result = RulesetEvaluation.Plan(name, DqRuleset.Parse(text), data, refs).Run(s.Stopping);
                var id = "dqresult-" + Guid.NewGuid().ToString("N");
                s.Store.SetDocument(Results, id, Result(id, run, name, result, started).ToJsonString());
                run["ResultIds"]!.AsArray().Add(id);
            }
            run["Status"] = "SUCCEEDED";
        }
        catch (Exception e) when (GlueError.IsExpected(e) || e is OperationCanceledException)
        {
            run["Status"] = e is OperationCanceledException ? "STOPPED" : "FAILED";
            run["ErrorString"] = e.Message;
        }
        var now = DateTimeOffset.UtcNow;
        run["CompletedOn"] = GlueJson.Time(now);
        run["LastModifiedOn"] = GlueJson.Time(now);
        run["ExecutionTime"] = (int)Math.Ceiling((now - started).TotalSeconds);
        s.Store.SetDocument(Runs, (string)run["RunId"]!, run.ToJsonString());
    }

    /// <summary>A DataQualityResult: each rule's PASS/FAIL/ERROR with its description, message and metrics; analyzers apart.</summary>
    private static JsonObject Result(string id, JsonObject run, string ruleset, DataQualityResult result, DateTimeOffset started)
    {
        JsonObject Metrics(QualityOutcome o) => new(o.Metrics.Select(m => KeyValuePair.Create(m.Key, (JsonNode?)JsonValue.Create(m.Value))));
        var rules = result.Outcomes.Where(o => o.Outcome != QualityOutcome.Analyzed).Select((o, i) => (JsonNode)new JsonObject
        {
            ["Name"] = $"Rule_{i + 1}", ["Description"] = o.Rule, ["EvaluatedMetrics"] = Metrics(o),
            ["Result"] = o.Outcome switch { QualityOutcome.Passed => "PASS", QualityOutcome.Failed => "FAIL", _ => "ERROR" },
        }.Put("EvaluationMessage", o.Outcome == QualityOutcome.Passed ? null : o.Reason).Put("Labels", o.Labels.Count == 0 ? null : GlueJson.Map(o.Labels)));
        var analyzers = result.Outcomes.Where(o => o.Outcome == QualityOutcome.Analyzed)
            .Select((o, i) => (JsonNode)new JsonObject { ["Name"] = $"Analyzer_{i + 1}", ["Description"] = o.Rule, ["EvaluatedMetrics"] = Metrics(o) });
        return new JsonObject
        {
            ["ResultId"] = id, ["Score"] = result.Score, ["DataSource"] = run["DataSource"]!.DeepClone(), ["RulesetName"] = ruleset,
            ["StartedOn"] = GlueJson.Time(started), ["CompletedOn"] = GlueJson.Time(DateTimeOffset.UtcNow), ["RulesetEvaluationRunId"] = (string?)run["RunId"],
            ["RuleResults"] = new JsonArray([.. rules]), ["AnalyzerResults"] = new JsonArray([.. analyzers]),
        };
    }

    private static JsonObject BatchGet(GlueService s, GlueRequest r)
    {
        var ids = r.Strings("ResultIds", required: true, max: 100);
        var found = ids.Select(id => s.Store.Document(Results, id)).OfType<string>().Select(d => (JsonNode)GlueJson.Parse(d));
        return new JsonObject { ["Results"] = new JsonArray([.. found]), ["ResultsNotFound"] = GlueJson.Strings(ids.Where(id => s.Store.Document(Results, id) is null)) };
    }
}
