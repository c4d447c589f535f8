using System.Collections.Immutable;
using Glint.Common;
using Glint.Execution;
using Glint.Jobs;
using Glint.Tests.Support;

namespace Glint.Tests;

/// <summary>Stored jobs and their runs: arguments, run states, concurrency, leases, retries, and file bookmarks that advance only with a successful commit.</summary>
public sealed class JobRunnerTests : IDisposable
{
    private readonly TempFolder dir = new("jobs");
    private readonly SqlJobStore store;

    public JobRunnerTests() => store = SqlJobStore.Open(dir["metastore.db"], dir.Path);

    public void Dispose() => dir.Dispose();

    private const string Spec = """
        name: incremental
        sources:
          events: { path: ${input} }
        transforms:
          - { name: big, from: events, filter: "amount >= ${min}" }
        targets:
          - { from: big, path: ${output}, mode: append }
        """;

    private void AddFile(int n)
    {
        Directory.CreateDirectory(dir["in"]);
        Reference.Execute($"COPY (SELECT {n} * 1000 + range AS id, (range % 10)::INTEGER AS amount FROM range(50)) TO '{dir[$"in/part-{n:D3}.parquet"]}' (FORMAT PARQUET)");
    }

    private JobDefinition Job(BookmarkOption bookmarks = BookmarkOption.Enable, int retries = 0) => new("incremental", Spec,
        ImmutableDictionary<string, string>.Empty.Add("input", dir["in"]).Add("output", dir["out"]).Add("min", "0"), Bookmarks: bookmarks, MaxRetries: retries);

    private JobRunner Runner(TaskFaultInjectorHolder? faults = null) =>
        new(store, new SessionOptions { Home = dir["home"], Metastore = dir["metastore.db"], FaultInjector = faults is null ? null : faults.Inject });

    private List<long> Output() => Directory.Exists(dir["out"])
        ? Reference.Query($"SELECT id FROM read_parquet('{dir["out"]}/*.parquet') ORDER BY id").Select(r => Convert.ToInt64(r[0])).ToList()
        : [];

    private List<long> Input() => Reference.Query($"SELECT id FROM read_parquet('{dir["in"]}/*.parquet') ORDER BY id").Select(r => Convert.ToInt64(r[0])).ToList();

    /// <summary>Fails every task attempt while armed.</summary>
    private sealed class TaskFaultInjectorHolder
    {
        public bool Armed { get; set; } = true;
        public void Inject(Common.TaskAttemptId attempt, Glint.Execution.TaskResult result)
        {
            if (Armed) throw new InvalidOperationException($"injected failure in {attempt}");
        }
    }

    [Fact]
    public void A_job_with_a_script_location_reads_its_spec_again_at_each_run()
    {
        var script = dir["spec.yaml"];
        File.WriteAllText(script, Spec);
        store.CreateJob(Job(BookmarkOption.Disable) with { Spec = "", ScriptLocation = script });
        AddFile(1);
        Assert.Equal((RunState.Succeeded, 50), (Runner().Start("incremental", new Dictionary<string, string>()).State, Output().Count));
        // The script now keeps only amounts of 5 and more: the next run uses it, without updating the job.
        File.WriteAllText(script, Spec.Replace("amount >= ${min}", "amount >= 5", StringComparison.Ordinal));
        Assert.Equal(RunState.Succeeded, Runner().Start("incremental", new Dictionary<string, string>()).State);
        Assert.Equal(50 + 25, Output().Count);
        File.Delete(script);
        Assert.Contains("spec.yaml", Assert.ThrowsAny<GlintException>(() => Runner().Start("incremental", new Dictionary<string, string>())).Message);
    }

    [Fact]
    public void A_run_may_choose_its_own_bookmark_option()
    {
        store.CreateJob(Job(BookmarkOption.Disable));
        AddFile(1);
        Assert.Equal(RunState.Succeeded, Runner().Start("incremental", new Dictionary<string, string>(), bookmarks: BookmarkOption.Enable).State);
        AddFile(2);
        // Enabled for this run only: it reads just the new file and advances the bookmark.
        Assert.Equal(50, Runner().Start("incremental", new Dictionary<string, string>(), bookmarks: BookmarkOption.Enable).Record!.RowsIn);
        // The job's own option (disable) reads everything again.
        Assert.Equal(100, Runner().Start("incremental", new Dictionary<string, string>()).Record!.RowsIn);
    }

    [Fact]
    public void Three_runs_with_files_arriving_between_them_process_every_file_exactly_once()
    {
        store.CreateJob(Job());
        AddFile(1);
        AddFile(2);
        var first = Runner().Start("incremental", new Dictionary<string, string>());
        Assert.Equal(RunState.Succeeded, first.State);
        Assert.Equal(100, first.Record!.RowsIn);
        AddFile(3);
        var second = Runner().Start("incremental", new Dictionary<string, string>());
        Assert.Equal((RunState.Succeeded, (long?)50), (second.State, second.Record!.RowsIn));
        var third = Runner().Start("incremental", new Dictionary<string, string>());
        Assert.Equal((RunState.Succeeded, (long?)0), (third.State, third.Record!.RowsIn));
        Assert.Equal(Input(), Output());

        var bookmark = Assert.Single(store.Bookmarks("incremental"));
        Assert.Equal(("events", third.RunId, 3), (bookmark.Source, bookmark.RunId, bookmark.State.Files.Length));
        Assert.Equal([third.RunId, second.RunId, first.RunId], store.Runs("incremental").Select(r => r.RunId));
    }

    [Fact]
    public void A_failed_run_leaves_the_bookmark_and_the_next_run_matches_a_clean_one()
    {
        store.CreateJob(Job());
        AddFile(1);
        Runner().Start("incremental", new Dictionary<string, string>());
        AddFile(2);
        var faults = new TaskFaultInjectorHolder();
        var failed = Runner(faults).Start("incremental", new Dictionary<string, string>());
        Assert.Equal(RunState.Failed, failed.State);
        Assert.Contains("injected failure", failed.Error);
        var attempts = store.TaskAttempts(failed.RunId);
        Assert.NotEmpty(attempts);
        Assert.All(attempts, a => Assert.False(a.Succeeded));
        Assert.Contains("injected failure", attempts[0].Error);
        Assert.Single(Assert.Single(store.Bookmarks("incremental")).State.Files);
        var retried = Runner().Start("incremental", new Dictionary<string, string>());
        Assert.Equal((RunState.Succeeded, (long?)50), (retried.State, retried.Record!.RowsIn));
        Assert.Equal(Input(), Output());
    }

    [Fact]
    public void A_failed_run_is_billed_for_its_pool_and_time_as_Glue_bills_it()
    {
        store.CreateJob(Job() with { WorkerType = "G.2X", Workers = 3 });
        AddFile(1);
        var failed = Runner(new TaskFaultInjectorHolder()).Start("incremental", new Dictionary<string, string>());
        Assert.Equal(RunState.Failed, failed.State);
        var record = Assert.IsType<RunRecord>(failed.Record);
        Assert.Equal(("G.2X", 3, 24), (record.WorkerType, record.Workers, record.Slots));
        Assert.Equal((0L, 0), (record.RowsOut, record.FilesWritten));
        Assert.True(record.WallSeconds > 0);
        Assert.Equal(3 * 2 * 60.0, record.DpuSeconds, 6);                  // 6 DPUs, billed at least a minute
        Assert.Equal(record.DpuSeconds / 3600 * 0.44, record.Cost, 10);
        Assert.True(record.Attempts >= record.Tasks && record.Tasks > 0);
        Assert.Equal(record.Cost, store.FindRun(failed.RunId)!.Record!.Cost, 10);  // as stored
    }

    [Fact]
    public void A_failed_attempt_is_retried_as_a_new_run_naming_the_one_before()
    {
        store.CreateJob(Job(retries: 1));
        AddFile(1);
        var faults = new TaskFaultInjectorHolder();
        var runner = Runner(faults);
        var last = runner.Start("incremental", new Dictionary<string, string>(), started: run => faults.Armed = run.Attempt == 1);
        Assert.Equal((RunState.Succeeded, 2), (last.State, last.Attempt));
        var first = store.FindRun(last.PreviousRunId!.Value)!;
        Assert.Equal((RunState.Failed, 1), (first.State, first.Attempt));
        Assert.Equal(Input(), Output());
    }

    [Fact]
    public void Arguments_override_defaults_and_an_unknown_one_is_refused_before_a_run_is_recorded()
    {
        store.CreateJob(Job() with { Spec = Spec.Replace("${min}", "${minimum}") });
        AddFile(1);
        var e = Assert.Throws<SpecException>(() => Runner().Start("incremental", new Dictionary<string, string>()));
        Assert.Contains("uses the argument ${minimum}, which has no value", e.Message);
        Assert.Empty(store.Runs("incremental"));
        var run = Runner().Start("incremental", new Dictionary<string, string> { ["minimum"] = "5" });
        Assert.Equal(RunState.Succeeded, run.State);
        Assert.Equal("5", run.Arguments["minimum"]);
        Assert.Equal(25, run.Record!.RowsOut);
    }

    [Fact]
    public void A_second_run_beyond_the_limit_is_refused_and_a_run_without_heartbeat_is_failed()
    {
        store.CreateJob(Job());
        var live = store.StartRun("incremental", 1, null, ImmutableDictionary<string, string>.Empty, 1, TimeSpan.FromMinutes(1));
        var refused = Assert.Throws<ConcurrentRunsException>(() => store.StartRun("incremental", 1, null, ImmutableDictionary<string, string>.Empty, 1, TimeSpan.FromMinutes(1)));
        Assert.Contains($"already has 1 run(s) in progress ({live.RunId})", refused.Message);
        Thread.Sleep(20);
        var next = store.StartRun("incremental", 1, null, ImmutableDictionary<string, string>.Empty, 1, TimeSpan.FromMilliseconds(5));
        var dead = store.FindRun(live.RunId)!;
        Assert.Equal(RunState.Failed, dead.State);
        Assert.Contains("no heartbeat", dead.Error);
        Assert.Equal(RunState.Running, store.FindRun(next.RunId)!.State);
    }

    [Fact]
    public void Bookmarks_rewind_to_a_run_and_set_by_time()
    {
        store.CreateJob(Job());
        AddFile(1);
        var first = Runner().Start("incremental", new Dictionary<string, string>());
        AddFile(2);
        Runner().Start("incremental", new Dictionary<string, string>());
        store.RewindBookmarks("incremental", first.RunId);
        Assert.Equal((long?)50, Runner().Start("incremental", new Dictionary<string, string>()).Record!.RowsIn);  // file 2 again
        Assert.Throws<SpecException>(() => store.RewindBookmarks("incremental", new RunId("run-unknown")));

        store.ResetBookmarks("incremental");
        File.SetLastWriteTimeUtc(dir["in/part-001.parquet"], new DateTime(2024, 1, 1, 0, 0, 0, DateTimeKind.Utc));
        File.SetLastWriteTimeUtc(dir["in/part-002.parquet"], new DateTime(2024, 3, 1, 0, 0, 0, DateTimeKind.Utc));
        store.SetBookmark("incremental", "events", Bookmark.Empty with { ProcessedBefore = new DateTime(2024, 2, 1, 0, 0, 0, DateTimeKind.Utc) });
        Assert.Equal((long?)50, Runner().Start("incremental", new Dictionary<string, string>()).Record!.RowsIn);   // only file 2
        Assert.Equal((long?)0, Runner().Start("incremental", new Dictionary<string, string>()).Record!.RowsIn);
    }

    [Fact]
    public void Paused_bookmarks_read_after_the_bookmark_and_change_nothing()
    {
        store.CreateJob(Job());
        AddFile(1);
        Runner().Start("incremental", new Dictionary<string, string>());
        AddFile(2);
        store.UpdateJob(Job(BookmarkOption.Pause));
        Assert.Equal((long?)50, Runner().Start("incremental", new Dictionary<string, string>()).Record!.RowsIn);
        Assert.Equal((long?)50, Runner().Start("incremental", new Dictionary<string, string>()).Record!.RowsIn);
        Assert.Single(Assert.Single(store.Bookmarks("incremental")).State.Files);
        store.ResetBookmarks("incremental");
        store.UpdateJob(Job(BookmarkOption.Enable));
        Assert.Equal((long?)100, Runner().Start("incremental", new Dictionary<string, string>()).Record!.RowsIn);
    }
}
