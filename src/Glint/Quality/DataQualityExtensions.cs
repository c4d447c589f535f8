using Glint.Api;

namespace Glint.Quality;

/// <summary>The DataFrame API's data-quality calls (Glue's EvaluateDataQuality transform).</summary>
public static class DataQualityExtensions
{
    /// <summary>Evaluates a DQDL ruleset on the DataFrame in one run and returns each rule's outcome and metrics.</summary>
    /// <param name="references">other DataFrames by the alias rules name them with (ReferentialIntegrity, DatasetMatch, CustomSql …)</param>
    public static DataQualityResult EvaluateDataQuality(this DataFrame frame, string ruleset, IReadOnlyDictionary<string, DataFrame>? references = null,
        string name = "ruleset", CancellationToken cancellation = default) =>
        RulesetEvaluation.Plan(name, DqRuleset.Parse(ruleset), frame, references).Run(cancellation);

    /// <summary>The rows with Glue's row-level outcome columns (DataQualityRulesPass, DataQualityRulesFail, DataQualityRulesSkip, DataQualityEvaluationResult); lazy like any transformation.</summary>
    public static DataFrame WithDataQualityColumns(this DataFrame frame, string ruleset, IReadOnlyDictionary<string, DataFrame>? references = null) =>
        RulesetEvaluation.Plan("ruleset", DqRuleset.Parse(ruleset), frame, references).WithRowLevelColumns();
}
