using System.Collections.Immutable;

namespace Glint.Execution;

/// <summary>One data-quality rule's outcome as a run records it: the rule, Passed/Failed/Error, why, and the metrics evaluated.</summary>
/// <param name="Ruleset">the ruleset's name (in a job, the transform that evaluated it)</param>
public sealed record QualityOutcome(string Ruleset, string Rule, string Outcome, string? Reason, IReadOnlyDictionary<string, double> Metrics)
{
    public const string Passed = "Passed", Failed = "Failed", Error = "Error", Analyzed = "Analyzed";

    /// <summary>The rule's labels: the ruleset's DefaultLabels with its own on top.</summary>
    public IReadOnlyDictionary<string, string> Labels { get; init; } = ImmutableDictionary<string, string>.Empty;
}

/// <summary>
/// A check of a run's collected rows after its last task and before its commit: it returns the outcomes the run records
/// with its summary, or throws to stop the run, which then leaves every target as it was.
/// </summary>
/// <param name="Check">gets the rows of every collecting action, in the order the actions were given</param>
public sealed record RunGate(Func<IReadOnlyList<IReadOnlyList<object?[]>>, IReadOnlyList<QualityOutcome>> Check);
