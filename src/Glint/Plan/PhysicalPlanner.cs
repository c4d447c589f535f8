using System.Collections.Immutable;
using Glint.Api;
using Glint.Errors;
using Glint.Execution;
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
        TargetValidator.CheckPaths(targets, sources);
        return new PhysicalPlan([.. stages], sources);
    }

    private static bool IsSafeFolderType(string type) =>
        type is "BOOLEAN" or "TINYINT" or "SMALLINT" or "INTEGER" or "BIGINT" or "HUGEINT" or "UTINYINT" or "USMALLINT"
            or "UINTEGER" or "UBIGINT" or "DATE" || type.StartsWith("DECIMAL", StringComparison.Ordinal);

    private ImmutableArray<Pipeline> Pipelines(LogicalNode node) => node switch
    {
        ScanNode s => [new Pipeline(new ScanInput(s.Source, SplitsOf(s.Source)), [])],
        FilterNode f => Append(Pipelines(f.Input), new FilterOp(f.Condition)),
        ProjectNode p => Append(Pipelines(p.Input), new ProjectOp(p.Expressions)),
        WithColumnNode w => Append(Pipelines(w.Input), new WithColumnOp(w.Name, w.Expression, w.Input.Schema.Find(w.Name) is not null)),
        MapSqlNode m => Append(Pipelines(m.Input), new MapSqlOp(m.Query)),
        UnionNode u => u.Inputs.SelectMany(i => i.Schema.Equals(u.Schema)
            ? Pipelines(i)
            : Append(Pipelines(i), new ConformOp(i.Schema, u.Schema))).ToImmutableArray(),
        LimitNode l => Gather(Append(Pipelines(l.Input), new LimitOp(l.Count)), l.Schema, new LimitOp(l.Count)),
        _ => throw new PlanException($"no physical plan for {node.GetType().Name}"),
    };

    /// <summary>Ends the pipelines in a stage writing to scratch and returns one pipeline reading all of it.</summary>
    private ImmutableArray<Pipeline> Gather(ImmutableArray<Pipeline> below, Schema schema, PhysicalOperator then)
    {
        var stage = new Stage(new StageId(stages.Count + 1), below, new ScratchSink(), schema);
        stages.Add(stage);
        return [new Pipeline(new GatherInput(stage.Id, schema), [then])];
    }

    private ImmutableArray<InputSplit> SplitsOf(FileSource source)
    {
        if (!splits.TryGetValue(source, out var result))
            splits[source] = result = SplitPlanner.Plan(source, settings, slots);
        return result;
    }

    private static ImmutableArray<Pipeline> Append(ImmutableArray<Pipeline> pipelines, PhysicalOperator op) =>
        pipelines.Select(p => p with { Operators = p.Operators.Add(op) }).ToImmutableArray();
}
