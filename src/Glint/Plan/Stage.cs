using System.Collections.Immutable;
using Glint.Execution;
using Glint.Storage;

namespace Glint.Plan;

/// <summary>Where a pipeline's rows come from.</summary>
public abstract record StageInput;

/// <summary>Files of a source, one task per split.</summary>
public sealed record ScanInput(FileSource Source, ImmutableArray<InputSplit> Splits) : StageInput;

/// <summary>Everything an earlier stage wrote to scratch, read by one task (a gather exchange).</summary>
public sealed record GatherInput(StageId Upstream, Schema Schema) : StageInput;

/// <summary>One chain of operators over one input; a stage has several when it computes a union.</summary>
public sealed record Pipeline(StageInput Input, ImmutableArray<PhysicalOperator> Operators);

/// <summary>Where a stage's tasks deliver their rows.</summary>
public abstract record StageSink;
public sealed record TargetSink(WriteTarget Target) : StageSink;
public sealed record ScratchSink : StageSink;
public sealed record CollectSink : StageSink;
public sealed record CountSink : StageSink;

/// <summary>A set of tasks that run the same pipelines on different partitions, between exchanges.</summary>
public sealed record Stage(StageId Id, ImmutableArray<Pipeline> Pipelines, StageSink Sink, Schema Schema)
{
    public ImmutableArray<StageId> DependsOn { get; } =
        Pipelines.Select(p => p.Input).OfType<GatherInput>().Select(g => g.Upstream).Distinct().ToImmutableArray();

    public int TaskCount => Pipelines.Sum(p => p.Input is ScanInput s ? s.Splits.Length : 1);
}

/// <summary>The stages of a run, in an order where every stage follows the stages it reads.</summary>
public sealed record PhysicalPlan(ImmutableArray<Stage> Stages, ImmutableArray<FileSource> Sources)
{
    public IEnumerable<WriteTarget> Targets => Stages.Select(s => s.Sink).OfType<TargetSink>().Select(t => t.Target);
}
