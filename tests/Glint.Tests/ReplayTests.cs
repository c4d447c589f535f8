using System.Collections.Immutable;
using Glint.Catalog;
using Glint.Common;
using Glint.Execution;
using Glint.Jobs;
using Glint.Jobs.Replay;

namespace Glint.Tests;

/// <summary>The replay engine schedules recorded tasks as the slot scheduler would; the advisor prices configurations from it.</summary>
public sealed class ReplayTests
{
    private static ReplayStage Stage(int id, int[] after, params double[] seconds) =>
        new(id, after, [.. seconds.Select((s, i) => new ReplayTask(id, i, s, InputBytes: (long)(s * 1000)))]);

    [Fact]
    public void One_slot_runs_every_task_one_after_another()
    {
        var stages = new[] { Stage(1, [], 3, 1, 2), Stage(2, [1], 4) };
        Assert.Equal(10, ScheduleReplay.Makespan(stages, 1), 9);
    }

    [Fact]
    public void A_stage_waits_for_the_stages_it_reads_and_larger_tasks_go_first()
    {
        // s1: 4 + 1 + 1 on two slots: the 4 goes first (largest input), the 1s share the other slot → s1 ends at 4.
        // s2 (after s1): 2 + 2 → ends at 6. s3 reads nothing: queued at 0 behind s1's tasks, it takes the slot free at 2.
        var stages = new[] { Stage(1, [], 1, 4, 1), Stage(2, [1], 2, 2), Stage(3, [], 1) };
        var schedule = ScheduleReplay.Run(stages, 2);
        Assert.Equal(0, schedule.Single(t => t.Task is { Stage: 1, Task: 1 }).Start, 9);
        Assert.Equal(2, schedule.Single(t => t.Task.Stage == 3).Start, 9);
        Assert.True(schedule.Where(t => t.Task.Stage == 2).All(t => t.Start >= 4), "stage 2 starts after every task of stage 1");
        Assert.Equal(6, schedule.Max(t => t.End), 9);
    }

    [Fact]
    public void More_slots_than_tasks_leave_the_longest_task_as_the_makespan()
    {
        var stages = new[] { Stage(1, [], 5, 1, 1, 1), Stage(2, [1], 1, 1) };
        Assert.Equal(6, ScheduleReplay.Makespan(stages, 16), 9);
        Assert.Equal(10, ScheduleReplay.Makespan(stages, 1), 9);
    }

    private static (JobRun Run, List<TaskAttemptRow> Attempts) Recorded(string workerType, int workers, double wall, params (int Stage, int[] After, double[] Seconds)[] stages)
    {
        var start = new DateTimeOffset(2026, 12, 1, 10, 0, 0, TimeSpan.Zero);
        var attempts = new List<TaskAttemptRow>();
        // Attempts laid end to end on one slot: only their durations matter to the replay.
        var at = start.AddSeconds(0.5);
        foreach (var (stage, _, seconds) in stages)
            for (var t = 0; t < seconds.Length; t++)
            {
                var end = at.AddSeconds(seconds[t]);
                attempts.Add(new TaskAttemptRow($"s{stage}-t{t:D4}-a1", stage, t, 1, "w0-s0", at, end, true, null, 10, 100, null, 1000));
                at = end;
            }
        var span = (at - start.AddSeconds(0.5)).TotalSeconds;
        var record = new RunRecord(null, 10, 1, 100, attempts.Count, attempts.Count, wall > 0 ? wall : span + 1, 60, 0.0073, 0, workerType, workers, 0,
            [.. stages.Select(s => new StageRecord(s.Stage, $"stage {s.Stage}", s.After, s.Seconds.Length, s.Seconds.Length, s.Seconds.Length, null, 0, 0, 0, []))]);
        var run = new JobRun(new RunId("run-1"), "job", 1, null, RunState.Succeeded, ImmutableDictionary<string, string>.Empty, start, start.AddSeconds(record.WallSeconds),
            start, null, record);
        return (run, attempts);
    }

    [Fact]
    public void The_advisor_predicts_each_configuration_and_marks_the_cheapest_within_the_deadline()
    {
        // 40 tasks of 30 s then one of 30 s: 1230 s of work; 1 s outside tasks.
        var (run, attempts) = Recorded("G.1X", 2, 0, (1, [], Enumerable.Repeat(30.0, 40).ToArray()), (2, [1], [30.0]));
        var advice = Advisor.Advise(run, attempts, [run], TimeSpan.FromMinutes(3), 0.44, 0.24);
        Assert.Equal(1, advice.OverheadSeconds, 6);
        // 2 × G.1X = 8 slots: 5 waves of 30 s, then the last task: 180 s + 1 s.
        Assert.Equal(181, advice.Current.WallSeconds, 6);
        var eight = advice.Configurations.Single(c => c.WorkerType.Name == "G.1X" && c.Workers == 2);
        Assert.Equal(2 * 181, eight.DpuSeconds, 6);
        // The deadline of 180 s rules the current choice out; every configuration marked cheapest meets it and no cheaper one does.
        Assert.NotNull(advice.Cheapest);
        Assert.True(advice.Cheapest!.WallSeconds <= 180);
        Assert.DoesNotContain(advice.Configurations, c => c.WallSeconds <= 180 && c.Cost < advice.Cheapest.Cost);
        Assert.Equal(Math.Max(0, advice.Current.Cost - advice.Cheapest.Cost), advice.Waste, 9);
        Assert.Equal(1, advice.CurrentMissesBy!.Value.TotalSeconds, 6);   // 181 s against 180 s
        Assert.Null(Advisor.Advise(run, attempts, [run], TimeSpan.FromMinutes(4), 0.44, 0.24).CurrentMissesBy);
    }

    [Fact]
    public void Without_a_deadline_the_cheapest_configuration_is_the_smallest_that_pays_the_minimum()
    {
        var (run, attempts) = Recorded("G.1X", 10, 0, (1, [], [1.0, 1.0]));
        var advice = Advisor.Advise(run, attempts, [run], null, 0.44, 0.24);
        // Every configuration is billed at least 60 s, so the fewest DPUs win: Glue's smallest batch pool, 2 × G.1X.
        Assert.Equal("G.1X", advice.Cheapest!.WorkerType.Name);
        Assert.Equal(2, advice.Cheapest.Workers);
        Assert.DoesNotContain(advice.Configurations, c => c.WorkerType.Name == "G.025X" || c.Workers < 2);
        Assert.Equal(10 * 60, advice.Current.DpuSeconds, 6);
        Assert.True(advice.Waste > 0);
    }

    [Fact]
    public void Tasks_that_would_not_fit_a_smaller_slot_pay_a_spill_penalty()
    {
        // One task whose working memory (input × 4) just fits a slot of the recorded local worker: on Glue's 4 GB slots it spills
        // when the local slot is larger than that, and runs as recorded when it is not.
        var local = WorkerType.Local();
        var (run, attempts) = Recorded("local", 1, 0, (1, [], [100.0]));
        attempts = [.. attempts.Select(a => a with { InputBytes = (long)(local.MemoryPerSlot / Advisor.MemoryPerInputByte) })];
        var advice = Advisor.Advise(run, attempts, [run], null, 0.44, 0.24);
        var glue = advice.Configurations.Single(c => c.WorkerType.Name == "G.1X" && c.Workers == 2);
        var spills = local.MemoryPerSlot > WorkerType.G1X.MemoryPerSlot;
        Assert.Equal(spills ? 1 : 0, glue.SpillingTasks);
        Assert.Equal(0, advice.Current.SpillingTasks);
        Assert.Equal(100 * (spills ? Advisor.SpillPenalty : 1), glue.WallSeconds - advice.OverheadSeconds, 6);
    }

    [Fact]
    public void Runs_recorded_without_stages_or_unfinished_get_a_clear_error()
    {
        var (run, attempts) = Recorded("G.1X", 1, 0, (1, [], [1.0]));
        var old = run with { Record = run.Record! with { Stages = null } };
        Assert.Contains("run it again", Assert.Throws<Common.SpecException>(() => Advisor.Advise(old, attempts, [old], null, 0.44, 0.24)).Message);
        var failed = run with { Record = null, State = RunState.Failed };
        Assert.Contains("FAILED", Assert.Throws<Common.SpecException>(() => Advisor.Advise(failed, attempts, [failed], null, 0.44, 0.24)).Message);
    }

    [Fact]
    public void The_cluster_comparison_follows_the_observed_schedule()
    {
        var (run, attempts) = Recorded("G.1X", 4, 0, (1, [], [10.0]));
        // Eight succeeded runs over two days: four a day.
        var runs = Enumerable.Range(0, 8).Select(i => run with { RunId = new RunId($"run-{i}"), Started = run.Started.AddHours(-6 * i) }).ToList();
        var advice = Advisor.Advise(run, attempts, runs, null, 0.44, 0.24);
        Assert.Equal(8 / (42 / 24.0), advice.Cluster.RunsPerDay, 6);
        Assert.Equal(4, advice.Cluster.Nodes);
        Assert.Equal(4 * 24 * 0.24, advice.Cluster.ClusterPerDay, 6);
        Assert.Equal(advice.Cluster.ClusterPerDay / advice.Current.Cost, advice.Cluster.BreakEvenRunsPerDay, 6);
    }
}
