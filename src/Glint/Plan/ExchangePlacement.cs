using System.Collections.Immutable;
using Glint.Common;

namespace Glint.Plan;

/// <summary>What became of an exchange: computed inside <paramref name="Into"/>'s task (fused), or written to files, and why.</summary>
internal sealed record ExchangeDecision(bool Fused, StageId? Into, string Why)
{
    /// <summary>False for a stage nothing reads once the plan is placed (the sample of a fused sort): it does not run.</summary>
    public bool Runs { get; init; } = true;
}

/// <summary>
/// Places a plan's exchanges. A shuffle exists to move rows between machines; where both sides of an exchange run on
/// one executor (local mode), the exchange is fused: its consumer runs as one task whose single DuckDB query computes
/// the producer's rows too, on a slot widened to the executor's cores, so DuckDB's parallel join and aggregation do the
/// shuffle's work. An exchange several stages read is fused only when all of them are computed in the same task (a
/// shared subquery, computed where it is used as DuckDB would); it stays files (materialised) when readers run in
/// different tasks, when the user fixed the number of partitions (repartition), when the producer reads a database or
/// records bad rows (work that is per task by nature), and everywhere when <c>local_exchange: files</c> or in cluster mode.
/// </summary>
internal sealed class ExchangePlacement
{
    private readonly Dictionary<StageId, Stage> stages;
    private readonly Dictionary<StageId, List<(StageId By, object Input)>> references = [];
    private readonly Dictionary<StageId, StageId> sortOfSample = [];
    private readonly Dictionary<StageId, ExchangeDecision> decisions = [];
    private readonly Dictionary<StageId, HashSet<StageId>> inlinedInto = [];
    private readonly IReadOnlySet<StageId> shared;
    private readonly int wideSlots;

    private ExchangePlacement(PhysicalPlan plan, int wideSlots, IReadOnlySet<StageId> shared)
    {
        stages = plan.Stages.ToDictionary(s => s.Id);
        this.wideSlots = Math.Max(1, wideSlots);
        this.shared = shared;
        foreach (var stage in plan.Stages)
            foreach (var pipeline in stage.Pipelines)
                CountReferences(stage.Id, pipeline);
    }

    /// <summary>
    /// The plan as it runs: fused stages folded into the stage whose task computes them, stages nobody reads any more
    /// dropped (the sample of a fused sort), and <see cref="PhysicalPlan.Exchanges"/> saying what became of each exchange.
    /// </summary>
    /// <param name="cluster">tasks run on a cluster's executors: exchanges cross processes, so they stay files</param>
    /// <param name="wideSlots">slots of the executor a fused task takes</param>
    public static PhysicalPlan Place(PhysicalPlan plan, bool cluster, GlintSettings settings, int wideSlots)
    {
        string? everywhere = cluster ? "cluster mode: exchanges cross executors"
            : !settings.FuseLocalExchanges ? "local_exchange: files" : null;
        if (everywhere is null) return Fixpoint(plan, wideSlots);
        var exchanges = plan.Stages.Where(s => s.Sink is ShuffleSink or ScratchSink)
            .ToImmutableDictionary(s => s.Id, _ => new ExchangeDecision(false, null, everywhere));
        return plan with { Exchanges = exchanges };
    }

    /// <summary>
    /// Places the plan assuming every shared exchange can be fused, then keeps as files each shared exchange whose
    /// readers did not all end up in one task, and places again; each round keeps at least one more, so it ends.
    /// </summary>
    private static PhysicalPlan Fixpoint(PhysicalPlan plan, int wideSlots)
    {
        var files = new HashSet<StageId>();
        while (true)
        {
            var placement = new ExchangePlacement(plan, wideSlots, files);
            var placed = placement.Run(plan);
            var split = placement.SplitShared(placed);
            if (split.Count == 0) return placed;
            files.UnionWith(split);
        }
    }

    /// <summary>Shared exchanges computed in more than one task, or both in a task and as files.</summary>
    private List<StageId> SplitShared(PhysicalPlan placed)
    {
        var materialised = placed.Stages.Select(s => s.Id).ToHashSet();
        return [.. inlinedInto.Where(kv => kv.Value.Count > 1 || materialised.Contains(kv.Key)).Select(kv => kv.Key)];
    }

    private PhysicalPlan Run(PhysicalPlan plan)
    {
        var placed = new Dictionary<StageId, Stage>();
        var work = new Stack<StageId>(plan.Stages.Where(s => s.Sink is not (ShuffleSink or ScratchSink)).Select(s => s.Id));
        while (work.Count > 0)
        {
            var id = work.Pop();
            if (placed.ContainsKey(id)) continue;
            var stage = Materialised(stages[id]);
            placed[id] = stage;
            foreach (var upstream in stage.DependsOn) work.Push(upstream);
        }
        foreach (var stage in plan.Stages.Where(s => s.Sink is ShuffleSink or ScratchSink && !decisions.ContainsKey(s.Id)))
            decisions[stage.Id] = placed.ContainsKey(stage.Id) ? new ExchangeDecision(false, null, WhyMaterialised(stage))
                : new ExchangeDecision(false, null, "the sort it samples for is fused") { Runs = false };
        return plan with
        {
            Stages = [.. plan.Stages.Where(s => placed.ContainsKey(s.Id)).Select(s => placed[s.Id])],
            Exchanges = decisions.ToImmutableDictionary(),
        };
    }

    /// <summary>A stage that runs its own tasks: each pipeline reading a fusable exchange becomes one wide task.</summary>
    private Stage Materialised(Stage stage)
    {
        var pipelines = stage.Pipelines.Select(p => ReadsFusable(p.Input) ? Whole(p, stage.Id) : p).ToImmutableArray();
        if (pipelines.All(p => !Stage.IsFused(p))) return stage;
        return stage with
        {
            Pipelines = pipelines,
            Inlined = InlinedReads(pipelines.Where(Stage.IsFused), stage.Id),
            WideTaskSlots = wideSlots,
        };
    }

    /// <summary>A stage computed inside <paramref name="root"/>'s task: every pipeline over whole inputs.</summary>
    private Stage Inline(Stage stage, StageId root)
    {
        decisions[stage.Id] = new ExchangeDecision(true, root, "both sides on one executor");
        if (!inlinedInto.TryGetValue(stage.Id, out var roots)) inlinedInto[stage.Id] = roots = [];
        roots.Add(root);
        var pipelines = stage.Pipelines.Select(p => Whole(p, root)).ToImmutableArray();
        return stage with { Pipelines = pipelines, Inlined = InlinedReads(pipelines, root) };
    }

    /// <summary>
    /// The pipeline over whole inputs. A fused sort needs no range buckets (one task sorts everything), so the
    /// bucketing step goes, and with it the only reader of the sample stage.
    /// </summary>
    private Pipeline Whole(Pipeline pipeline, StageId root) => OneAggregate(pipeline with
    {
        Input = Whole(pipeline.Input, root),
        Operators = [.. pipeline.Operators.Where(op => op is not RangeBucketOp)],
    });

    /// <summary>
    /// A final aggregate over its own partial step computed in the same query becomes one aggregate: DuckDB's parallel
    /// hash aggregate does both halves at once, where two steps would aggregate every group twice.
    /// </summary>
    private static Pipeline OneAggregate(Pipeline pipeline)
    {
        if (pipeline is not { Input: FusedInput { Producer: { Pipelines: [var inner] } producer } }
            || pipeline.Operators.FirstOrDefault() is not AggregateOp { Step: "final", Unsplit: { } whole } final
            || inner.Operators.LastOrDefault() is not AggregateOp { Step: "partial" })
            return pipeline;
        var unsplit = producer with { Pipelines = [inner with { Operators = inner.Operators.RemoveAt(inner.Operators.Length - 1) }], Schema = whole.Input };
        return pipeline with
        {
            Input = new FusedInput(unsplit),
            Operators = pipeline.Operators.SetItem(0, new AggregateOp("whole", final.Keys, whole.Columns)),
        };
    }

    private StageInput Whole(StageInput input, StageId root) => input switch
    {
        GatherInput g => Fusable(g.Upstream) ? new FusedInput(Inline(stages[g.Upstream], root)) : g,
        ShuffleInput s => Fusable(s.Upstream) ? new FusedInput(Inline(stages[s.Upstream], root)) : new GatherInput(s.Upstream, s.Schema),
        ShuffleJoinInput j => new FusedJoinInput(Whole(j.Left, root), j.Left.Schema, Whole(j.Right, root), j.Right.Schema, j.Type, j.Keys, j.Residual),
        _ => input,
    };

    /// <summary>Broadcast sides (and other stages read whole by an operator) computed in the fused task itself.</summary>
    private ImmutableDictionary<StageId, Stage> InlinedReads(IEnumerable<Pipeline> pipelines, StageId root) =>
        pipelines.SelectMany(p => p.Operators.OfType<IReadsStage>())
            .Select(op => op.Source).Distinct().Where(Fusable)
            .ToImmutableDictionary(id => id, id => Inline(stages[id], root));

    /// <summary>True when the input reads at least one exchange that can be fused.</summary>
    private bool ReadsFusable(StageInput input) => input switch
    {
        GatherInput g => Fusable(g.Upstream),
        ShuffleInput s => Fusable(s.Upstream),
        ShuffleJoinInput j => Fusable(j.Left.Upstream) || Fusable(j.Right.Upstream),
        _ => false,
    };

    /// <summary>
    /// An exchange whose rows can be computed in its reader's task: one reader (or readers all in one task), one
    /// executor's kind of work.
    /// </summary>
    private bool Fusable(StageId id)
    {
        var stage = stages[id];
        var readers = Readers(id);
        return stage.Sink is ShuffleSink or ScratchSink
            && (readers.Count == 1 || (readers.Count > 1 && !shared.Contains(id)))
            && !readers.Any(r => r is ShuffleInput { Adaptive: false })
            && stage.Pipelines.All(p => p.Input switch
            {
                DatabaseScanInput => false,
                ScanInput scan => !scan.Source.Options.RecordErrors,
                _ => true,
            });
    }

    /// <summary>
    /// The inputs and operators that read a stage's output, without the sample stage of a sort being fused: a fused
    /// sort needs no ranges, so its sample does not run.
    /// </summary>
    private List<object> Readers(StageId id) =>
        [.. (references.GetValueOrDefault(id) ?? []).Where(r => !(sortOfSample.TryGetValue(r.By, out var sort)
                && decisions.GetValueOrDefault(sort) is { Fused: true })).Select(r => r.Input)];

    private string WhyMaterialised(Stage stage)
    {
        var readers = Readers(stage.Id);
        if (readers.Any(r => r is ShuffleInput { Adaptive: false })) return "repartition fixes its number of partitions";
        if (readers.Count > 1) return $"read by {readers.Count} stages or pipelines that run as separate tasks";
        if (stage.Pipelines.Any(p => p.Input is DatabaseScanInput)) return "it reads a database, split by split";
        if (stage.Pipelines.Any(p => p.Input is ScanInput { Source.Options.RecordErrors: true })) return "it records bad input rows, split by split";
        return "its reader runs one task per split";
    }

    /// <summary>
    /// Who reads each stage's output. A sort's range bucketing does not count as a reader of its sample: when the
    /// sort is fused the sample is not needed, and when it is not, the sample stays a stage of its own either way.
    /// </summary>
    private void CountReferences(StageId stage, Pipeline pipeline)
    {
        void Add(StageId id, object by)
        {
            if (!references.TryGetValue(id, out var list)) references[id] = list = [];
            list.Add((stage, by));
        }
        foreach (var range in pipeline.Operators.OfType<RangeBucketOp>())
            sortOfSample[range.Sample] = stage;
        switch (pipeline.Input)
        {
            case GatherInput g: Add(g.Upstream, g); break;
            case ShuffleInput s: Add(s.Upstream, s); break;
            case ShuffleJoinInput j: Add(j.Left.Upstream, j.Left); Add(j.Right.Upstream, j.Right); break;
        }
        foreach (var op in pipeline.Operators.OfType<IReadsStage>().Where(op => op is not RangeBucketOp))
            Add(op.Source, op);
    }
}
