using Glint.Common;

namespace Glint.Plan;

/// <summary>A step of a stage's pipeline. Knows the SQL that computes it over its input relation.</summary>
public abstract record PhysicalOperator
{
    /// <summary>A SELECT computing this step over the relation named <paramref name="input"/>.</summary>
    public abstract string Render(string input);
    public abstract string Describe();
}

/// <summary>An operator that reads, whole, what an earlier stage wrote to scratch (as the relation <see cref="Relation"/>).</summary>
internal interface IReadsStage
{
    StageId Source { get; }
    Schema SourceSchema { get; }
    string Relation { get; }
}
