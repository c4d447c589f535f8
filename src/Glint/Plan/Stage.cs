using System.Collections.Immutable;
using Glint.Common;
using Glint.Storage;

namespace Glint.Plan;

/// <summary>Where a pipeline's rows come from.</summary>
public abstract record StageInput;

/// <summary>Files of a source, one task per split.</summary>
public sealed record ScanInput(FileSource Source, ImmutableArray<InputSplit> Splits) : StageInput;

/// <summary>Rows of a database source, one task per split (a non-overlapping WHERE clause).</summary>
internal sealed record DatabaseScanInput(Storage.Databases.DatabaseSource Source, ImmutableArray<Storage.Databases.DatabaseSplit> Splits) : StageInput;

/// <summary>Everything an earlier stage wrote to scratch, read by one task (a gather exchange).</summary>
internal sealed record GatherInput(StageId Upstream, Schema Schema) : StageInput;

/// <summary>Bucket i of every map output of an upstream stage, for reducer task i (a hash or round-robin exchange).</summary>
/// <param name="Adaptive">reducers may be re-planned from the real bucket sizes (false when the user fixed the partition count)</param>
internal sealed record ShuffleInput(StageId Upstream, int Buckets, Schema Schema, bool Adaptive = true) : StageInput;

/// <summary>Bucket i of two upstream stages shuffled alike, joined by reducer task i (a shuffle hash join).</summary>
internal sealed record ShuffleJoinInput(ShuffleInput Left, ShuffleInput Right, JoinType Type, ImmutableArray<string> Keys, string? Residual = null) : StageInput;

/// <summary>One chain of operators over one input; a stage has several when it computes a union.</summary>
public sealed record Pipeline(StageInput Input, ImmutableArray<PhysicalOperator> Operators);

/// <summary>Where a stage's tasks deliver their rows.</summary>
public abstract record StageSink;
internal sealed record TargetSink(WriteTarget Target) : StageSink;
internal sealed record ScratchSink : StageSink;
/// <summary>Rows go into a database table through a staging table and one transaction at commit.</summary>
internal sealed record DatabaseTargetSink(Storage.Databases.DatabaseTarget Target) : StageSink;
/// <summary>Map side of an exchange: rows go to bucket hash(expressions) % buckets, or round-robin when there are none.</summary>
/// <param name="Ranged">the pipeline computes the bucket column itself (range partitioning)</param>
internal sealed record ShuffleSink(int Buckets, ImmutableArray<string> HashExpressions, bool Ranged = false) : StageSink
{
    public const string BucketColumn = "glint_bucket";

    /// <summary>The bucket of a map output file, from the <c>glint_bucket=i/</c> folder it was written under.</summary>
    public static int BucketOf(string relativePath)
    {
        var folder = relativePath[..relativePath.IndexOf('/')];
        return int.Parse(folder[(BucketColumn.Length + 1)..], System.Globalization.CultureInfo.InvariantCulture);
    }
}
public sealed record CollectSink : StageSink;
internal sealed record CountSink : StageSink;

/// <summary>A set of tasks that run the same pipelines on different partitions, between exchanges.</summary>
public sealed record Stage(StageId Id, ImmutableArray<Pipeline> Pipelines, StageSink Sink, Schema Schema)
{
    public ImmutableArray<StageId> DependsOn { get; } = Pipelines.SelectMany(Upstreams).Distinct().ToImmutableArray();

    /// <summary>Planned tasks: one per split, per bucket of a shuffle, or one for a gather.</summary>
    public int TaskCount => Pipelines.Sum(p => p.Input switch
    {
        ScanInput s => s.Splits.Length,
        DatabaseScanInput d => d.Splits.Length,
        ShuffleInput s => s.Buckets,
        ShuffleJoinInput j => j.Left.Buckets,
        _ => 1,
    });

    private static IEnumerable<StageId> Upstreams(Pipeline pipeline)
    {
        switch (pipeline.Input)
        {
            case GatherInput g: yield return g.Upstream; break;
            case ShuffleInput s: yield return s.Upstream; break;
            case ShuffleJoinInput j: yield return j.Left.Upstream; yield return j.Right.Upstream; break;
        }
        foreach (var op in pipeline.Operators.OfType<IReadsStage>()) yield return op.Source;
    }
}

/// <summary>The stages of a run, in an order where every stage follows the stages it reads.</summary>
public sealed record PhysicalPlan(ImmutableArray<Stage> Stages, ImmutableArray<FileSource> Sources)
{
    public IEnumerable<WriteTarget> Targets => Stages.Select(s => s.Sink).OfType<TargetSink>().Select(t => t.Target);
}
