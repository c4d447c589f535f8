using Glint.Api;
using Glint.Common;
using Glint.Execution;
using Glint.Jobs.Replay;
using System.Text.RegularExpressions;
using Glint.Tests.Support;

namespace Glint.Tests;

/// <summary>
/// Exchanges placed by executor: in local mode a shuffle join and aggregate run as one task on a DuckDB widened to
/// every slot, writing no exchange files; with <c>local_exchange: files</c> the same job writes them; the wide task's
/// slots are reserved, widened and narrowed again, and the advisor's replay waits for all of them.
/// </summary>
public sealed class FusedExchangeTests
{
    private static (RunSummary Summary, string Scratch) JoinAndAggregate(TempFolder dir, bool fuse)
    {
        var session = new GlintSession(new SessionOptions
        {
            Home = dir["home"],
            Settings = new GlintSettings { ShufflePartitions = 7, BroadcastThreshold = -1, KeepScratch = true, FuseLocalExchanges = fuse },
        });
        var sales = session.Read.Parquet(Datasets.Path("sales_parquet")).Select("customer", "amount");
        var customers = session.Read.Parquet(Datasets.Path("customers"));
        var summary = sales.Join(customers, on: ["customer"]).GroupBy("segment").Agg("count(*) AS n", "sum(amount) AS total")
            .Write().Mode("overwrite").Save(dir["out"]);
        return (summary, Path.Combine(dir["home"], "scratch", summary.RunId.Value));
    }

    private static List<string> Written(TempFolder dir) => Reference.Canonical(Reference.Query(
        $"SELECT segment, n, round(total, 6) FROM read_parquet('{dir["out"]}/*.parquet')"));

    private static List<string> Expected() => Reference.Canonical(Reference.Query(
        $"SELECT segment, count(*)::BIGINT, round(sum(amount), 6) FROM {Datasets.ReferenceScan("sales_parquet")} " +
        $"JOIN {Datasets.ReferenceScan("customers")} USING (customer) GROUP BY segment"));

    [Fact]
    public void A_local_shuffle_join_and_aggregate_run_as_one_wide_task_that_writes_no_exchange_files()
    {
        using var dir = new TempFolder("fused");
        var (summary, scratch) = JoinAndAggregate(dir, fuse: true);
        var slots = new SessionOptions().Slots;

        var writer = Assert.Single(summary.Stages, s => !s.Fused.IsEmpty);
        Assert.Equal(3, writer.Fused.Length);                     // both shuffle maps and the join's reducer
        Assert.Equal(1, writer.Tasks);
        Assert.Equal(slots, writer.TaskSlots);
        var attempt = Assert.Single(summary.Attempts);
        Assert.Equal(slots, attempt.Slots);
        Assert.False(Directory.Exists(Path.Combine(scratch, "exchange")), "a fused exchange is never written");
        AssertRows.Equal(Expected(), Written(dir));
    }

    [Fact]
    public void With_local_exchange_files_the_same_job_writes_its_exchanges_and_every_task_takes_one_slot()
    {
        using var dir = new TempFolder("files");
        var (summary, scratch) = JoinAndAggregate(dir, fuse: false);

        Assert.All(summary.Stages, s => Assert.Empty(s.Fused));
        Assert.All(summary.Attempts, a => Assert.Equal(1, a.Slots));
        Assert.True(summary.Attempts.Length > 3);
        Assert.NotEmpty(Directory.EnumerateFiles(Path.Combine(scratch, "exchange"), "*.parquet", SearchOption.AllDirectories));
        AssertRows.Equal(Expected(), Written(dir));
    }

    [Fact]
    public void A_widened_slot_runs_with_k_threads_and_k_times_its_memory_then_narrows_again()
    {
        using var dir = new TempFolder("widen");
        using var slot = new Slot(0, 0, 256L << 20, dir["slot"]);
        string Setting(string name) => Convert.ToString(Query(slot, $"SELECT current_setting('{name}')"), System.Globalization.CultureInfo.InvariantCulture)!;
        var before = (Setting("threads"), Setting("memory_limit"));

        var inside = slot.Widened(3, () => (Setting("threads"), Setting("memory_limit")));

        Assert.Equal("1", before.Item1);
        Assert.Equal("3", inside.Item1);
        Assert.NotEqual(before.Item2, inside.Item2);
        Assert.Equal(before, (Setting("threads"), Setting("memory_limit")));
        Assert.Throws<InvalidOperationException>(() => slot.Widened<int>(2, () => throw new InvalidOperationException("task failed")));
        Assert.Equal(before, (Setting("threads"), Setting("memory_limit")));   // narrowed after a failure too
    }

    private static object? Query(Slot slot, string sql)
    {
        using var command = slot.Connection.CreateCommand();
        command.CommandText = sql;
        return command.ExecuteScalar();
    }

    [Fact]
    public async Task A_wide_task_waits_for_k_free_slots_and_one_slot_tasks_do_not_pass_it()
    {
        var gate = new SlotGate();
        gate.AddSlot();
        gate.AddSlot();
        Assert.Equal(1, gate.Enter(1, CancellationToken.None));   // one slot busy
        var wide = Task.Run(() => gate.Enter(2, CancellationToken.None));
        await Task.Delay(200);
        Assert.False(wide.IsCompleted, "the wide task needs both slots");
        var narrow = Task.Run(() => gate.Enter(1, CancellationToken.None));
        await Task.Delay(200);
        Assert.False(narrow.IsCompleted, "a one-slot task does not take the free slot the wide task waits for");

        gate.Leave(1);
        Assert.Equal(2, await wide.WaitAsync(TimeSpan.FromSeconds(5)));
        await Task.Delay(200);
        Assert.False(narrow.IsCompleted, "both slots are the wide task's");
        gate.Leave(2);
        Assert.Equal(1, await narrow.WaitAsync(TimeSpan.FromSeconds(5)));
        Assert.Equal(1, gate.Enter(1, CancellationToken.None));
        using var cancel = new CancellationTokenSource(100);
        Assert.ThrowsAny<OperationCanceledException>(() => gate.Enter(2, cancel.Token));
    }

    [Fact]
    public void The_replay_runs_a_k_slot_task_only_when_k_slots_are_free()
    {
        // Stage 1: two one-slot tasks of 1 s; stage 2 (after it): one 2-slot task of 3 s. On 2 slots: 1 s + 3 s.
        var stages = new List<ReplayStage>
        {
            new(1, [], [new ReplayTask(1, 0, 1, 10), new ReplayTask(1, 1, 1, 10)]),
            new(2, [1], [new ReplayTask(2, 0, 3, 10, Slots: 2)]),
        };
        var schedule = ScheduleReplay.Run(stages, 2);
        var wide = Assert.Single(schedule, t => t.Task.Slots == 2);
        Assert.Equal(1, wide.Start, 6);
        Assert.Equal(4, wide.End, 6);
        Assert.Equal([0, 1], wide.Slots.Order());
        Assert.Equal(4, ScheduleReplay.Makespan(stages, 2), 6);
        // On 3 slots a one-slot task of another stage runs beside it.
        var beside = stages.Append(new ReplayStage(3, [], [new ReplayTask(3, 0, 2, 5)])).ToList();
        Assert.Equal(4, ScheduleReplay.Makespan(beside, 3), 6);
    }

    [Fact]
    public void A_recorded_fused_run_keeps_its_k_slot_task_and_the_report_draws_it_across_k_lanes()
    {
        using var dir = new TempFolder("fused-report");
        File.WriteAllText(dir["job.yaml"], $"""
            name: fused_report
            settings: {"{"} broadcast_threshold: "-1", shuffle_partitions: 5 {"}"}
            sources:
              sales: {"{"} path: {Datasets.Path("sales_parquet")}, format: parquet {"}"}
              customers: {"{"} path: {Datasets.Path("customers")}, format: parquet {"}"}
            transforms:
              - {"{"} name: j, from: sales, join: {"{"} with: customers, on: [customer], how: inner {"}"} {"}"}
              - {"{"} name: g, from: j, group_by: [segment], agg: ["count(*) AS n"] {"}"}
            targets:
              - {"{"} from: g, path: {dir["out"]}, format: parquet, mode: overwrite {"}"}
            """);
        var run = GlintCli.Run(dir["home"], "run", dir["job.yaml"], "--worker-type", "G.025X");
        Assert.True(run.ExitCode == 0, run.All);
        Assert.Matches(@"fused, stage s\d+\s*│\s*computed s\d+, s\d+, s\d+ in its task on 2 slots", run.Output);
        var runId = Regex.Match(run.Output, @"run-\d{8}-\d{6}-[0-9a-f]{6}").Value;

        var report = GlintCli.Run(dir["home"], "report", runId, "-o", dir["report.html"]);
        Assert.True(report.ExitCode == 0, report.All);
        var html = File.ReadAllText(dir["report.html"]);
        Assert.Single(Regex.Matches(html, @"class=""task-bar[^""]*""[^>]*data-slots=""2"""));   // read back from the metastore
        Assert.Matches(@"computed s\d+, s\d+, s\d+ in its task on 2 slots \(fused\)", html);
    }
}
