using Glint.Api;
using Glint.Common;
using Glint.Execution;
using Glint.Plan;
using Glint.Quality;

namespace Glint.Jobs;

/// <summary>A job's planned run: the actions (targets first, then the metric queries of its quality gates) and the gate deciding before the commit.</summary>
public sealed record JobPlan(IReadOnlyList<PlannedAction> Actions, RunGate? Gate);

/// <summary>
/// The evaluate_data_quality transforms of one job: each ruleset planned on its input, what the transform outputs (every row,
/// or with quarantine only the passing ones, the failing ones under the quarantine's name), and the gate that turns the
/// collected metrics into outcomes and stops the run before its commit when a rule decides so.
/// </summary>
internal sealed class QualityGates
{
    private readonly List<(string Name, DataQualitySpec Spec, RulesetEvaluation Evaluation)> gates = [];

    /// <param name="frames">the job's frames so far: references by name; the transform's output (and quarantine) are added</param>
    public void Add(string name, DataQualitySpec spec, DataFrame input, Dictionary<string, DataFrame> frames, MetricHistory? history)
    {
        var ruleset = DqRuleset.Parse(spec.Ruleset!);
        var evaluation = RulesetEvaluation.Plan(name, ruleset, input, new Dictionary<string, DataFrame>(frames, StringComparer.OrdinalIgnoreCase), history);
        if (spec.OnFailure == "quarantine")
        {
            if (!evaluation.HasRowLevelRules)
                throw new PlanException("on_failure quarantine needs a rule that decides row by row (IsComplete, Completeness, ColumnValues, ColumnLength, DataFreshness, ColumnDataType)");
            frames[name] = evaluation.Rows(passing: true, spec.RowLevelColumns);
            frames[spec.Quarantine!] = evaluation.Rows(passing: false, spec.RowLevelColumns);
        }
        else frames[name] = spec.RowLevelColumns ? evaluation.WithRowLevelColumns() : input;
        gates.Add((name, spec, evaluation));
    }

    public IReadOnlyList<PlannedAction> Actions => [.. gates.SelectMany(g => g.Evaluation.Actions)];

    /// <summary>The gate over the trailing collected rows (the gates' actions come after the targets, and a job collects nothing else).</summary>
    public RunGate? Gate()
    {
        if (gates.Count == 0) return null;
        var counts = gates.Select(g => g.Evaluation.Actions.Count).ToList();
        return new RunGate(rows =>
        {
            var at = rows.Count - counts.Sum();
            var outcomes = new List<QualityOutcome>();
            foreach (var (gate, i) in gates.Select((g, i) => (g, i)))
            {
                var result = gate.Evaluation.Outcomes([.. rows.Skip(at).Take(counts[i])]);
                at += counts[i];
                outcomes.AddRange(result.Outcomes);
                if (Stops(gate.Spec, gate.Evaluation, result)) throw new DataQualityException(result.Summary() + "; no target was changed");
            }
            return outcomes;
        });
    }

    /// <summary>fail stops on any rule that did not pass; quarantine on one that decides on the whole data; continue never.</summary>
    private static bool Stops(DataQualitySpec spec, RulesetEvaluation evaluation, DataQualityResult result) => spec.OnFailure switch
    {
        "fail" => !result.Passed,
        "quarantine" => result.Outcomes.Any(o => o.Outcome is QualityOutcome.Failed or QualityOutcome.Error && !evaluation.IsRowLevel(o.Rule)),
        _ => false,
    };
}
