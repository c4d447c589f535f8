using System.Collections.Immutable;
using Glint.Common;
using Glint.Storage;

namespace Glint.Plan;

/// <summary>An action of a run: a logical plan and where its rows go.</summary>
public sealed record PlannedAction(LogicalNode Root, StageSink Sink);

/// <summary>
/// Turns logical plans into stages: narrow operators chain into a stage's pipelines, a union's
/// inputs become pipelines of one stage, and a limit ends a stage with a gather exchange.
/// </summary>
internal sealed class PhysicalPlanner(GlintSettings settings, int slots)
{
    private readonly List<Stage> stages = [];
    private readonly Dictionary<FileSource, ImmutableArray<InputSplit>> splits = new(ReferenceEqualityComparer.Instance);
    private readonly Dictionary<FileSource, FileSource> listed = new(ReferenceEqualityComparer.Instance);
    private readonly Dictionary<LogicalNode, ImmutableArray<Pipeline>> planned = new(ReferenceEqualityComparer.Instance);

    public PhysicalPlan Plan(IReadOnlyList<PlannedAction> actions)
    {
        var targets = actions.Select(a => a.Sink).OfType<TargetSink>().Select(t => t.Target).ToList();
        foreach (var action in actions)
        {
            var pipelines = Pipelines(action.Root);
            if (action.Sink is TargetSink { Target: var target })
            {
                TargetValidator.CheckColumns(target, action.Root.Schema);
                // Only text can hold '/' or '..'; numbers and dates always name a folder safely.
                var textColumns = target.PartitionBy
                    .Where(c => action.Root.Schema.Require(c, "partition_by").Type is var t && !IsSafeFolderType(t))
                    .ToImmutableArray();
                if (!textColumns.IsEmpty)
                    pipelines = Append(pipelines, new PartitionValueCheckOp(textColumns));
            }
            stages.Add(new Stage(new StageId(stages.Count + 1), pipelines, action.Sink, action.Root.Schema));
        }
        var sources = splits.Keys.ToImmutableArray();
        TargetValidator.CheckPaths(targets, sources, settings.S3);
        return new PhysicalPlan([.. stages], sources);
    }

    private static bool IsSafeFolderType(string type) =>
        type is "BOOLEAN" or "TINYINT" or "SMALLINT" or "INTEGER" or "BIGINT" or "HUGEINT" or "UTINYINT" or "USMALLINT"
            or "UINTEGER" or "UBIGINT" or "DATE" || type.StartsWith("DECIMAL", StringComparison.Ordinal);

    /// <summary>
    /// The pipelines of a node, planned once per node: a transform that several targets (or both sides
    /// of a join) read gets its stages once, and every reader's stage reads the same exchanges.
    /// </summary>
    private ImmutableArray<Pipeline> Pipelines(LogicalNode node)
    {
        if (!planned.TryGetValue(node, out var pipelines))
            planned[node] = pipelines = PlanNode(node);
        return pipelines;
    }

    private ImmutableArray<Pipeline> PlanNode(LogicalNode node) => node switch
    {
        ScanNode s => [new Pipeline(new ScanInput(Listed(s.Source), SplitsOf(s.Source)), [])],
        DatabaseScanNode d => [new Pipeline(new DatabaseScanInput(d.Source, Storage.Databases.DatabaseSplits.Plan(d.Source)), [])],
        FilterNode f => Append(Pipelines(f.Input), new FilterOp(f.Condition)),
        ProjectNode p => Append(Pipelines(p.Input), new ProjectOp(p.Expressions)),
        WithColumnNode w => Append(Pipelines(w.Input), new WithColumnOp(w.Name, w.Expression, w.Input.Schema.Find(w.Name) is not null)),
        MapSqlNode m => Append(Pipelines(m.Input), new MapSqlOp(m.Query)),
        UnionNode u => u.Inputs.SelectMany(i => i.Schema.Equals(u.Schema)
            ? Pipelines(i)
            : Append(Pipelines(i), new ConformOp(i.Schema, u.Schema))).ToImmutableArray(),
        LimitNode l => Gather(Append(Pipelines(l.Input), new LimitOp(l.Kept)), l.Schema, new LimitOp(l.Count, l.Offset)),
        AggregateNode a => Aggregate(a),
        DistinctNode d => Shuffle(Append(Pipelines(d.Input), new DistinctOp(d.Keys)), d.Schema,
            [.. (d.Keys.IsEmpty ? d.Schema.Names : d.Keys).Select(Sql.Ident)], Buckets(d.Input), new DistinctOp(d.Keys)),
        CoalesceNode c => Coalesce(Pipelines(c.Input), c.Partitions),
        RepartitionNode r => Shuffle(Pipelines(r.Input), r.Schema, [.. r.Keys.Select(Sql.Ident)], r.Partitions, adaptive: false),
        JoinNode j => Join(j),
        SortNode { Global: false } s => Append(Pipelines(s.Input), new SortOp(s.Keys)),
        SortNode s => OrderBy(s),
        WindowNode w => Shuffle(Pipelines(w.Input), w.Input.Schema, [.. w.Keys.Select(Sql.Ident)],
            w.Keys.IsEmpty ? 1 : Buckets(w.Input), new WindowOp(w.Columns)),
        _ => throw new PlanException($"no physical plan for {node.GetType().Name}"),
    };

    /// <summary>Ends the pipelines in a stage writing to scratch and returns one pipeline reading all of it.</summary>
    private ImmutableArray<Pipeline> Gather(ImmutableArray<Pipeline> below, Schema schema, PhysicalOperator then)
    {
        var stage = new Stage(new StageId(stages.Count + 1), below, new ScratchSink(), schema);
        stages.Add(stage);
        return [new Pipeline(new GatherInput(stage.Id, schema), [then])];
    }

    /// <summary>Ends the pipelines in a map stage that buckets its rows, and returns the reducers' pipeline.</summary>
    private ImmutableArray<Pipeline> Shuffle(ImmutableArray<Pipeline> map, Schema schema, ImmutableArray<string> hash, int buckets,
        PhysicalOperator[]? then = null, bool adaptive = true)
    {
        var stage = new Stage(new StageId(stages.Count + 1), map, new ShuffleSink(buckets, hash), schema);
        stages.Add(stage);
        return [new Pipeline(new ShuffleInput(stage.Id, buckets, schema, adaptive), [.. then ?? []])];
    }

    private ImmutableArray<Pipeline> Shuffle(ImmutableArray<Pipeline> map, Schema schema, ImmutableArray<string> hash, int buckets,
        PhysicalOperator then) => Shuffle(map, schema, hash, buckets, [then]);

    /// <summary>
    /// Buckets of a shuffle over <paramref name="input"/>: the shuffle_partitions setting, or when it is
    /// auto, one bucket per 16 MB of estimated input, between 4 per slot and 200 — adaptive execution
    /// then coalesces them to the advisory size, so the number only bounds how finely data can be cut.
    /// </summary>
    private int Buckets(LogicalNode input) =>
        settings.ShufflePartitions ?? AutoBuckets(Estimate(input), slots);

    internal static int AutoBuckets(long estimatedBytes, int slots) =>
        (int)Math.Clamp((estimatedBytes + (16L << 20) - 1) / (16L << 20), Math.Min(200, 4L * Math.Max(1, slots)), 200);

    /// <summary>Merges neighbouring splits of each scan so it runs at most <paramref name="partitions"/> tasks.</summary>
    private static ImmutableArray<Pipeline> Coalesce(ImmutableArray<Pipeline> pipelines, int partitions) =>
        pipelines.Select(p => p.Input is ScanInput scan && scan.Splits.Length > partitions
            ? p with
            {
                Input = scan with
                {
                    Splits = scan.Splits
                        .Select((split, i) => (split, group: (int)((long)i * partitions / scan.Splits.Length)))
                        .GroupBy(x => x.group)
                        .Select(g => new InputSplit(g.Key, [.. g.SelectMany(x => x.split.Slices)]))
                        .ToImmutableArray(),
                },
            }
            : p.Input is ScanInput
                ? p
                : throw new PlanException("coalesce: only the partitions of a file source can be merged without a shuffle; use repartition after a shuffle"))
        .ToImmutableArray();

    private ImmutableArray<Pipeline> Aggregate(AggregateNode a)
    {
        var keys = a.Keys;
        var buckets = keys.IsEmpty ? 1 : Buckets(a.Input);
        var hash = keys.Select(Sql.Ident).ToImmutableArray();
        if (a.Split is { } saltedSplit && a.Salt is { } salt)
        {
            // Two-step: partial rows go to (key, random salt) buckets, are combined there, then meet per key.
            var partialOp = new AggregateOp("partial", keys, saltedSplit.PartialColumns);
            var partialSchema = Binder.Bind(a.Input.Schema, partialOp, "partial aggregate");
            var salted = new WithColumnOp(JoinSalt.Column, $"(random() * {salt})::INTEGER % {salt}", Replaces: false);
            var combineOp = new AggregateOp("combine", keys, saltedSplit.CombineColumns);
            var combineSchema = Binder.Bind(partialSchema, combineOp, "combine aggregate");
            var combined = Shuffle(Append(Append(Pipelines(a.Input), partialOp), salted),
                Schema.Of(partialSchema.Columns.Append(new Column(JoinSalt.Column, "INTEGER"))),
                [.. hash, Sql.Ident(JoinSalt.Column)], buckets, combineOp);
            return Shuffle(combined, combineSchema, hash, buckets, new AggregateOp("final", keys, saltedSplit.FinalColumns));
        }
        if (a.Split is { } split)
        {
            // Partial aggregation before the shuffle: only one row per key and map task crosses it.
            var partial = new AggregateOp("partial", keys, split.PartialColumns);
            var partialSchema = Binder.Bind(a.Input.Schema, partial, "partial aggregate");
            return Shuffle(Append(Pipelines(a.Input), partial), partialSchema, hash, buckets,
                new AggregateOp("final", keys, split.FinalColumns) { Unsplit = new([.. keys.Select(Sql.Ident), .. a.Aggregates], a.Input.Schema) });
        }
        return Shuffle(Pipelines(a.Input), a.Input.Schema, hash, buckets,
            new AggregateOp("full", keys, [.. keys.Select(Sql.Ident), .. a.Aggregates]));
    }

    private ImmutableArray<Pipeline> Join(JoinNode j)
    {
        bool Small(LogicalNode side) => settings.BroadcastThreshold >= 0 && Estimate(side) <= settings.BroadcastThreshold;
        if (j.Salt is { } salt) return SaltedJoin(j, salt);
        var rightBuildable = j.Type is JoinType.Inner or JoinType.Left or JoinType.Semi or JoinType.Anti;
        var leftBuildable = j.Type is JoinType.Inner or JoinType.Right;
        var preferLeft = leftBuildable && !j.BroadcastHint && Small(j.Left) && Estimate(j.Left) < Estimate(j.Right);
        if (rightBuildable && (j.BroadcastHint || Small(j.Right)) && !preferLeft)
            return Append(Pipelines(j.Left), new BroadcastJoinOp(Build(j.Right), j.Right.Schema, j.Left.Schema, j.Type, j.Keys, j.Residual, BuildIsLeft: false));
        if (leftBuildable && Small(j.Left))
            return Append(Pipelines(j.Right), new BroadcastJoinOp(Build(j.Left), j.Left.Schema, j.Right.Schema, j.Type, j.Keys, j.Residual, BuildIsLeft: true));

        // Shuffle hash join: both sides bucketed by the keys cast to one type, so equal keys meet in one bucket.
        var hash = j.Keys.Select(k => $"CAST({Sql.Ident(k)} AS {j.Output.Require(k, "join").Type})").ToImmutableArray();
        var buckets = Buckets(j);
        var left = Shuffle(Pipelines(j.Left), j.Left.Schema, hash, buckets)[0].Input;
        var right = Shuffle(Pipelines(j.Right), j.Right.Schema, hash, buckets)[0].Input;
        return [new Pipeline(new ShuffleJoinInput((ShuffleInput)left, (ShuffleInput)right, j.Type, j.Keys, j.Residual), [])];
    }

    /// <summary>
    /// A total order: a stage samples the first sort key, map tasks bucket rows by the sampled ranges,
    /// and reducer i sorts bucket i; buckets (and so tasks and output files) follow the order.
    /// </summary>
    private ImmutableArray<Pipeline> OrderBy(SortNode s)
    {
        var first = s.Keys[0];
        var type = s.Input.Schema.Require(first.Column, "order_by").Type;
        var buckets = Buckets(s.Input);
        // The input is read twice (to sample, then to bucket). A scan is cheap to read again; anything
        // computed after an exchange is computed once and handed to both through a round-robin exchange.
        var input = Pipelines(s.Input);
        if (input.Any(p => p.Input is not ScanInput)) // a database read twice could see two different tables
            input = Shuffle(input, s.Input.Schema, [], buckets);
        // Each stage's id is taken after its input's stages are planned, so ids follow the order stages are added.
        var sampled = Append(input, new SampleOp(first.Column, Math.Max(100, 4 * buckets)));
        var sample = new Stage(new StageId(stages.Count + 1), sampled, new ScratchSink(), Schema.Of([new Column(first.Column, type)]));
        stages.Add(sample);
        var bucketed = Append(input, new RangeBucketOp(sample.Id, first, type, buckets));
        var map = new Stage(new StageId(stages.Count + 1), bucketed, new ShuffleSink(buckets, [], Ranged: true), s.Input.Schema);
        stages.Add(map);
        return [new Pipeline(new ShuffleInput(map.Id, buckets, s.Input.Schema), [new SortOp(s.Keys)])];
    }

    /// <summary>A shuffle join where hot key values are spread over salts, so no single reducer gets all their rows.</summary>
    private ImmutableArray<Pipeline> SaltedJoin(JoinNode j, JoinSalt salt)
    {
        var key = j.Keys[0];
        var type = j.Output.Require(key, "join").Type;
        var keys = j.Keys.Add(JoinSalt.Column);
        var hash = ImmutableArray.Create($"CAST({Sql.Ident(key)} AS {type})", Sql.Ident(JoinSalt.Column));
        var buckets = Buckets(j);
        Schema Salted(Schema s) => Schema.Of(s.Columns.Append(new Column(JoinSalt.Column, "INTEGER")));
        var left = Shuffle(Append(Pipelines(j.Left), new SaltOp(key, type, salt, Replicate: false)), Salted(j.Left.Schema), hash, buckets)[0].Input;
        var right = Shuffle(Append(Pipelines(j.Right), new SaltOp(key, type, salt, Replicate: true)), Salted(j.Right.Schema), hash, buckets)[0].Input;
        return [new Pipeline(new ShuffleJoinInput((ShuffleInput)left, (ShuffleInput)right, j.Type, keys, j.Residual), [new DropColumnOp(JoinSalt.Column)])];
    }

    /// <summary>A stage that writes a join's small side to scratch for every task of the other side to read whole.</summary>
    private StageId Build(LogicalNode side)
    {
        var pipelines = Pipelines(side);
        var stage = new Stage(new StageId(stages.Count + 1), pipelines, new ScratchSink(), side.Schema);
        stages.Add(stage);
        return stage.Id;
    }

    /// <summary>Bytes a plan reads at most: its sources' file sizes (filters only shrink that).</summary>
    private static long Estimate(LogicalNode node) => node switch
    {
        ScanNode s => s.Source.TotalBytes,
        DatabaseScanNode d => d.Source.EstimatedBytes,
        AggregateNode { Keys.IsEmpty: true } => 0,
        _ => node.Children.Sum(Estimate),
    };

    private ImmutableArray<InputSplit> SplitsOf(FileSource source)
    {
        if (!splits.TryGetValue(Listed(source), out var result))
            splits[Listed(source)] = result = SplitPlanner.Plan(Listed(source), settings, slots);
        return result;
    }

    /// <summary>A catalog table planned before listing (SQL) has its kept partition folders listed now, once per plan.</summary>
    private FileSource Listed(FileSource source)
    {
        if (source.Catalog is not { Unlisted: true }) return source;
        if (!listed.TryGetValue(source, out var result))
            listed[source] = result = Catalog.CatalogSource.Listed(source);
        return result;
    }

    private static ImmutableArray<Pipeline> Append(ImmutableArray<Pipeline> pipelines, PhysicalOperator op) =>
        pipelines.Select(p => p with { Operators = p.Operators.Add(op) }).ToImmutableArray();
}
