using System.Collections.Immutable;
using System.Diagnostics;
using Glint.Common;
using Glint.Plan;
using Glint.Storage;

namespace Glint.Execution;

/// <summary>What the stages of a run produced: each task's result, each stage's written files, and each stage's summary.</summary>
internal sealed record StageResults(
    IReadOnlyDictionary<StageId, IReadOnlyDictionary<TaskId, TaskResult>> Results,
    IReadOnlyDictionary<StageId, IReadOnlyList<WrittenFile>> Written,
    IReadOnlyList<StageSummary> Summaries);

/// <summary>Runs a plan's stages on shared slots, each submitted the moment every stage it reads has finished.</summary>
internal sealed class StageLoop(PhysicalPlan plan, RunContext run, SlotScheduler scheduler, IRunListener listener)
{
    private readonly Dictionary<StageId, IReadOnlyDictionary<TaskId, TaskResult>> results = [];
    private readonly Dictionary<StageId, IReadOnlyList<WrittenFile>> written = [];
    private readonly List<StageSummary> summaries = [];
    private readonly Dictionary<StageId, ImmutableArray<Adaptive.AdaptiveDecision>> decided = [];
    private readonly Dictionary<Task<IReadOnlyDictionary<TaskId, TaskResult>>, (Stage Stage, Stopwatch Clock)> running = [];

    /// <summary>Runs every stage; throws the run's first failure or its cancellation.</summary>
    public StageResults Run()
    {
        var pending = plan.Stages.ToList();
        while (pending.Count > 0 || running.Count > 0)
        {
            foreach (var stage in pending.Where(s => s.DependsOn.All(results.ContainsKey)).ToList())
            {
                Submit(stage);
                pending.Remove(stage);
            }
            if (running.Count == 0)
                throw new InvalidOperationException("stages wait on each other: " + string.Join(", ", pending.Select(p => p.Id)));
            FinishNext();
        }
        return new StageResults(results, written, [.. summaries.OrderBy(s => s.Id.Value)]);
    }

    /// <summary>Turns a stage into tasks (re-planned from the real sizes of what it reads) and hands them to the slots.</summary>
    private void Submit(Stage stage)
    {
        var tasks = StageTasks.Tasks(stage, run, written, out var decisions);
        decided[stage.Id] = decisions;
        listener.StageStarted(stage.Id, StageNames.Of(stage), tasks.Length);
        running[scheduler.Submit(tasks)] = (stage, Stopwatch.StartNew());
    }

    /// <summary>Waits for the next stage to finish and records its results and summary.</summary>
    private void FinishNext()
    {
        var finished = running.Keys.ToArray()[Task.WaitAny(running.Keys.ToArray())];
        var (done, clock) = running[finished];
        running.Remove(finished);
        var mine = finished.GetAwaiter().GetResult(); // throws the run's failure or cancellation
        results[done.Id] = mine;
        written[done.Id] = mine.OrderBy(r => r.Key.Partition).SelectMany(r => r.Value.Files).ToList();
        summaries.Add(new StageSummary(done.Id, StageNames.Of(done), mine.Count,
            scheduler.Attempts.Count(a => a.Id.Task.Stage == done.Id),
            Sums.OrNull(mine.Values.Select(r => r.RowsIn)), mine.Values.Sum(r => r.RowsOut), mine.Values.Sum(r => r.BytesOut), clock.Elapsed,
            done.Sink is ShuffleSink ? BucketsOf(written[done.Id]) : [])
        {
            DependsOn = done.DependsOn,
            PlannedTasks = done.TaskCount,
            Decisions = decided[done.Id],
            Fused = [.. plan.Exchanges.Where(e => e.Value.Into == done.Id).Select(e => e.Key).OrderBy(id => id.Value)],
            TaskSlots = done.WideTaskSlots,
        });
        listener.StageFinished(done.Id);
    }

    /// <summary>Rows and bytes per bucket, from the bucket folder each map output file sits in.</summary>
    private static ImmutableArray<BucketStats> BucketsOf(IReadOnlyList<WrittenFile> files) =>
        files.GroupBy(f => ShuffleSink.BucketOf(f.RelativePath))
            .Select(g => new BucketStats(g.Key, g.Sum(f => f.Rows ?? 0), g.Sum(f => f.Bytes)))
            .OrderBy(b => b.Bucket)
            .ToImmutableArray();
}
