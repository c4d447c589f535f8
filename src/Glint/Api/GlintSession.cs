using Glint.Execution;
using Glint.Plan;

namespace Glint.Api;

/// <summary>Entry point of the DataFrame API: reads sources and runs actions on a local worker pool.</summary>
public sealed class GlintSession(SessionOptions? options = null)
{
    public SessionOptions Options { get; } = options ?? new SessionOptions();

    /// <summary>Starts reading a file source.</summary>
    public DataFrameReader Read => new(this);

    /// <summary>Plans and runs several actions as one run; their targets commit together after every task succeeded.</summary>
    public RunOutcome Run(IReadOnlyList<PlannedAction> actions, CancellationToken cancellation = default)
    {
        var plan = Plan(actions);
        return new RunDriver(Options).Execute(plan, cancellation);
    }

    /// <summary>The physical plan of some actions, checked but not run.</summary>
    public PhysicalPlan Plan(IReadOnlyList<PlannedAction> actions) =>
        new PhysicalPlanner(Options.Settings, Options.Slots).Plan(actions);

    /// <summary>Explain text of some actions.</summary>
    public string Explain(IReadOnlyList<PlannedAction> actions, bool allSplits = false) =>
        Explainer.Explain(actions, Plan(actions), Options, allSplits);
}
