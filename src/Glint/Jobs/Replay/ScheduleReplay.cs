using Glint.Execution;
namespace Glint.Jobs.Replay;

/// <summary>One task to replay: how long it ran and how many bytes it read (the scheduler queues larger tasks first).</summary>
/// <param name="Slots">slots the task takes at once (a fused stage's wide task takes several)</param>
public sealed record ReplayTask(int Stage, int Task, double Seconds, long InputBytes, int Slots = 1);

/// <summary>One stage to replay: the stages it waits for and its tasks.</summary>
public sealed record ReplayStage(int Id, IReadOnlyList<int> DependsOn, IReadOnlyList<ReplayTask> Tasks);

/// <summary>When each task of a replay started and ended, and on which slot (the first of its slots when it takes several).</summary>
public sealed record ReplayedTask(ReplayTask Task, int Slot, double Start, double End)
{
    /// <summary>Every slot the task held.</summary>
    public IReadOnlyList<int> Slots { get; init; } = [Slot];
}

/// <summary>
/// Replays recorded stages on a number of slots with the scheduler's own rules (<see cref="SlotScheduler"/>
/// and the run driver): a stage is submitted the moment every stage it reads has finished; a
/// submission queues its tasks largest input first behind what is already queued; a free slot takes
/// the next task in the queue; a task taking k slots waits until k are free, and nothing behind it passes it (the
/// scheduler's <see cref="SlotGate"/>). Gives the makespan a run would have had on that many slots.
/// </summary>
public static class ScheduleReplay
{
    /// <summary>The replayed schedule; <paramref name="duration"/> may change a task's time (e.g. a spill penalty).</summary>
    public static IReadOnlyList<ReplayedTask> Run(IReadOnlyList<ReplayStage> stages, int slots, Func<ReplayTask, double>? duration = null)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(slots, 1);
        duration ??= t => t.Seconds;
        var known = stages.Select(s => s.Id).ToHashSet();
        var pending = stages.OrderBy(s => s.Id).ToList();
        var finished = new HashSet<int>();
        var remaining = stages.ToDictionary(s => s.Id, s => s.Tasks.Count);
        var queue = new Queue<ReplayTask>();
        var free = Enumerable.Range(0, slots).Select(s => (Slot: s, At: 0.0)).ToList(); // slots and the time each is free
        var running = new PriorityQueue<ReplayedTask, double>();
        var schedule = new List<ReplayedTask>();
        var now = 0.0;

        void Submit()
        {
            // Stages whose inputs are done (reads of stages outside the replay count as done), in plan order.
            foreach (var stage in pending.Where(s => s.DependsOn.All(d => finished.Contains(d) || !known.Contains(d))).ToList())
            {
                pending.Remove(stage);
                if (stage.Tasks.Count == 0) { Finish(stage.Id); continue; }
                foreach (var task in stage.Tasks.OrderByDescending(t => t.InputBytes)) queue.Enqueue(task);
            }
        }
        void Finish(int stage)
        {
            finished.Add(stage);
            Submit();
        }

        Submit();
        while (queue.Count > 0 || running.Count > 0)
        {
            // Start queued tasks on slots that are free by now.
            while (queue.Count > 0)
            {
                var width = Math.Clamp(queue.Peek().Slots, 1, slots);
                var ready = free.Where(f => f.At <= now).OrderBy(f => f.At).ThenBy(f => f.Slot).Take(width).ToList();
                if (ready.Count < width) break;
                foreach (var taken in ready) free.Remove(taken);
                var task = queue.Dequeue();
                var replayed = new ReplayedTask(task, ready[0].Slot, now, now + Math.Max(0, duration(task))) { Slots = [.. ready.Select(r => r.Slot)] };
                running.Enqueue(replayed, replayed.End);
                schedule.Add(replayed);
            }
            if (running.Count == 0) break;
            // Advance to the next task end; several may end at once.
            var done = running.Dequeue();
            now = done.End;
            free.AddRange(done.Slots.Select(slot => (slot, now)));
            if (--remaining[done.Task.Stage] == 0) Finish(done.Task.Stage);
        }
        if (pending.Count > 0)
            throw new InvalidOperationException("replayed stages wait on each other: " + string.Join(", ", pending.Select(p => p.Id)));
        return schedule;
    }

    /// <summary>The stages of a finished run with each task's time: all its attempts, failed ones included, as the slots spent them.</summary>
    public static IReadOnlyList<ReplayStage> Stages(RunSummary run) => Stages(
        run.Stages.Select(s => (s.Id.Value, (IReadOnlyList<int>)[.. s.DependsOn.Select(d => d.Value)])),
        run.Attempts.Select(a => new ReplayTask(a.Id.Task.Stage.Value, a.Id.Task.Partition, a.Duration.TotalSeconds, a.InputBytes, a.Slots)));

    /// <summary>Stages (id and the stages they read) with their tasks, from attempts: a task's attempts add up, its input is the largest any read.</summary>
    public static IReadOnlyList<ReplayStage> Stages(IEnumerable<(int Id, IReadOnlyList<int> DependsOn)> stages, IEnumerable<ReplayTask> attempts)
    {
        var tasks = attempts.GroupBy(a => (a.Stage, a.Task))
            .Select(g => new ReplayTask(g.Key.Stage, g.Key.Task, g.Sum(a => a.Seconds), g.Max(a => a.InputBytes), g.Max(a => a.Slots))).ToLookup(t => t.Stage);
        return [.. stages.Select(s => new ReplayStage(s.Id, s.DependsOn, [.. tasks[s.Id]]))];
    }

    /// <summary>Seconds of a run outside its tasks' span (planning, listing, the commit): a replay keeps them as they were.</summary>
    public static double OutsideTasks(double wallSeconds, IEnumerable<(DateTime Start, DateTime End)> attempts)
    {
        var spans = attempts.ToList();
        var span = spans.Count == 0 ? 0 : (spans.Max(a => a.End) - spans.Min(a => a.Start)).TotalSeconds;
        return Math.Max(0, wallSeconds - span);
    }

    /// <summary>Seconds from the first task's start to the last task's end on <paramref name="slots"/> slots.</summary>
    public static double Makespan(IReadOnlyList<ReplayStage> stages, int slots, Func<ReplayTask, double>? duration = null)
    {
        var schedule = Run(stages, slots, duration);
        return schedule.Count == 0 ? 0 : schedule.Max(t => t.End);
    }
}
