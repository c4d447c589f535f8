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

/// <summary>
/// The whole output of an earlier stage, computed inside this stage's one task rather than exchanged through files
/// (a fused exchange: both sides run on one executor, so DuckDB's own parallel operators do the work of the shuffle).
/// </summary>
internal sealed record FusedInput(Stage Producer) : StageInput;

/// <summary>Two whole inputs (fused stages or every file of a materialised exchange) joined in one task.</summary>
internal sealed record FusedJoinInput(StageInput Left, Schema LeftSchema, StageInput Right, Schema RightSchema, JoinType Type,
    ImmutableArray<string> Keys, string? Residual) : StageInput;

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
    /// <summary>Stages this one reads whole inside its own query (broadcast sides, samples) instead of from their files.</summary>
    internal ImmutableDictionary<StageId, Stage> Inlined { get; init; } = ImmutableDictionary<StageId, Stage>.Empty;

    /// <summary>Slots one task of a fused pipeline takes (its slot's DuckDB widened to that many threads); 1 for a stage that fuses nothing.</summary>
    public int WideTaskSlots { get; init; } = 1;

    /// <summary>The stages whose written files this one reads: direct exchanges, and those read by the stages fused into it.</summary>
    public ImmutableArray<StageId> DependsOn => [.. Pipelines.SelectMany(Upstreams).Distinct()];

    /// <summary>Planned tasks: one per split, per bucket of a shuffle, or one for a gather or a fused input.</summary>
    public int TaskCount => Pipelines.Sum(p => p.Input switch
    {
        ScanInput s => s.Splits.Length,
        DatabaseScanInput d => d.Splits.Length,
        ShuffleInput s => s.Buckets,
        ShuffleJoinInput j => j.Left.Buckets,
        _ => 1,
    });

    /// <summary>True when the pipeline runs as one task over whole inputs (fused exchanges).</summary>
    internal static bool IsFused(Pipeline pipeline) => pipeline.Input is FusedInput or FusedJoinInput;

    private IEnumerable<StageId> Upstreams(Pipeline pipeline)
    {
        foreach (var id in Upstreams(pipeline.Input)) yield return id;
        foreach (var op in pipeline.Operators.OfType<IReadsStage>())
        {
            if (Inlined.TryGetValue(op.Source, out var inlined))
                foreach (var id in inlined.DependsOn) yield return id;
            else yield return op.Source;
        }
    }

    private static IEnumerable<StageId> Upstreams(StageInput input) => input switch
    {
        GatherInput g => [g.Upstream],
        ShuffleInput s => [s.Upstream],
        ShuffleJoinInput j => [j.Left.Upstream, j.Right.Upstream],
        FusedInput f => f.Producer.DependsOn,
        FusedJoinInput j => Upstreams(j.Left).Concat(Upstreams(j.Right)),
        _ => [],
    };
}

/// <summary>The stages of a run, in an order where every stage follows the stages it reads.</summary>
public sealed record PhysicalPlan(ImmutableArray<Stage> Stages, ImmutableArray<FileSource> Sources)
{
    /// <summary>Once placed (<see cref="ExchangePlacement"/>): for every exchange, whether it is fused into a reader's task or files, and why.</summary>
    internal ImmutableDictionary<StageId, ExchangeDecision> Exchanges { get; init; } = ImmutableDictionary<StageId, ExchangeDecision>.Empty;

    public IEnumerable<WriteTarget> Targets => Stages.Select(s => s.Sink).OfType<TargetSink>().Select(t => t.Target);
}
