using System.Diagnostics;
using Glint.Jobs;
using Glint.Tests.Support;

namespace Glint.Tests;

/// <summary><c>glint job …</c>, <c>glint runs</c> and <c>glint bookmark …</c> as users run them, and a job process killed mid-run.</summary>
public sealed class JobCliTests
{
    private static void Input(TempFolder dir, int files, long rowsPerFile)
    {
        Directory.CreateDirectory(dir["in"]);
        for (var f = 0; f < files; f++)
            if (!File.Exists(dir[$"in/part-{f:D3}.parquet"]))
                Reference.Execute($"COPY (SELECT {f} * {rowsPerFile} + range AS id, hash(range) % 1000 AS k FROM range({rowsPerFile})) TO '{dir[$"in/part-{f:D3}.parquet"]}' (FORMAT PARQUET)");
    }

    private static string Spec(TempFolder dir, string transform = "{ name: t, from: src, filter: \"k >= 0\" }")
    {
        File.WriteAllText(dir["job.yaml"], $$"""
            name: copy
            sources:
              src: { path: in }
            transforms:
              - {{transform}}
            targets:
              - { from: t, path: ${out}, mode: append }
            """);
        return dir["job.yaml"];
    }

    [Fact]
    public void Create_start_list_and_bookmarks_at_the_terminal()
    {
        using var dir = new TempFolder("cli-jobs");
        Input(dir, 2, 100);
        var create = GlintCli.Run(dir["home"], "job", "create", "copy", "--spec", Spec(dir), "--bookmark", "enable", "--arg", $"out={dir["out"]}");
        Assert.True(create.ExitCode == 0, create.All);
        var start = GlintCli.Run(dir["home"], "job", "start", "copy");
        Assert.True(start.ExitCode == 0, start.All);
        Assert.Contains("SUCCEEDED", start.Output);
        Assert.Contains("200 / 200", start.Output);  // rows read / written
        Input(dir, 3, 100);
        Assert.Contains("100 / 100", GlintCli.Run(dir["home"], "job", "start", "copy").Output);
        var runs = GlintCli.Run(dir["home"], "runs", "--job", "copy").Output;
        Assert.Equal(2, runs.Split('\n').Count(l => l.Contains("SUCCEEDED")));
        Assert.Matches(@"│\s*src\s*│\s*3\s*│", GlintCli.Run(dir["home"], "bookmark", "show", "copy").Output); // source src: 3 files seen
        Assert.Contains("copy", GlintCli.Run(dir["home"], "job", "list").Output);

        var unknown = GlintCli.Run(dir["home"], "job", "start", "nope");
        Assert.Equal(1, unknown.ExitCode);
        Assert.Contains("job 'nope' does not exist", unknown.All);
        var badName = GlintCli.Run(dir["home"], "job", "create", "../evil", "--spec", dir["job.yaml"]);
        Assert.Equal(1, badName.ExitCode);
        Assert.Contains("may hold only letters", badName.All);
        Assert.Equal(0, GlintCli.Run(dir["home"], "bookmark", "reset", "copy").ExitCode);
        Assert.Contains("300 / 300", GlintCli.Run(dir["home"], "job", "start", "copy").Output);
    }

    [Fact]
    public void An_ad_hoc_run_is_recorded_with_the_engine_run_id()
    {
        using var dir = new TempFolder("cli-adhoc");
        Input(dir, 1, 10);
        File.WriteAllText(dir["adhoc.yaml"], File.ReadAllText(Spec(dir)).Replace("${out}", dir["out"]));
        var run = GlintCli.Run(dir["home"], "run", dir["adhoc.yaml"]);
        Assert.True(run.ExitCode == 0, run.All);
        using var store = SqlJobStore.Open(dir["home/metastore.db"], dir.Path);
        var recorded = Assert.Single(store.Runs("adhoc-copy"));
        Assert.Equal((RunState.Succeeded, 10L), (recorded.State, recorded.Record!.RowsOut));
        Assert.Contains(recorded.RunId.Value, run.Output);
        Assert.Equal(recorded.RunId.Value, Glint.Storage.Manifest.TryRead(dir["out"])!.RunId);
        Assert.Contains("adhoc-copy", GlintCli.Run(dir["home"], "runs").Output);
        var attempts = store.TaskAttempts(recorded.RunId);
        Assert.Equal(recorded.Record.Attempts, attempts.Count);
        Assert.Equal(10L, attempts.Where(a => a.Succeeded).Sum(a => a.RowsOut ?? 0));
        var show = GlintCli.Run(dir["home"], "runs", "show", recorded.RunId.Value);
        Assert.True(show.ExitCode == 0, show.All);
        Assert.Contains(attempts[0].AttemptId, show.Output);
        Assert.Contains($"{attempts.Count} task attempt(s)", show.Output);
    }

    [Fact]
    public void A_failed_ad_hoc_run_is_recorded_with_the_attempts_that_failed()
    {
        using var dir = new TempFolder("cli-adhoc-failed");
        Input(dir, 1, 10);
        // Planning accepts the filter; every task fails when DuckDB casts 'x0' to a number.
        File.WriteAllText(dir["adhoc.yaml"], File.ReadAllText(Spec(dir, "{ name: t, from: src, filter: \"CAST('x' || id AS INTEGER) > 0\" }"))
            .Replace("${out}", dir["out"]));
        var run = GlintCli.Run(dir["home"], "run", dir["adhoc.yaml"]);
        Assert.Equal(1, run.ExitCode);
        Assert.False(Directory.Exists(dir["out"]) && Directory.EnumerateFileSystemEntries(dir["out"]).Any());
        using var store = SqlJobStore.Open(dir["home/metastore.db"], dir.Path);
        var recorded = Assert.Single(store.Runs("adhoc-copy"));
        Assert.Equal(RunState.Failed, recorded.State);
        var attempts = store.TaskAttempts(recorded.RunId);
        Assert.NotEmpty(attempts);
        Assert.All(attempts, a => Assert.False(a.Succeeded));
        Assert.All(attempts, a => Assert.Contains("x0", a.Error ?? ""));
        var show = GlintCli.Run(dir["home"], "runs", "show", recorded.RunId.Value);
        Assert.True(show.ExitCode == 0, show.All);
        Assert.Contains(attempts[0].AttemptId, show.Output);
        Assert.Contains("FAILED", show.Output);
    }

    [Fact]
    public void A_killed_job_process_is_marked_failed_and_the_next_run_writes_one_complete_output()
    {
        using var dir = new TempFolder("cli-job-kill");
        Input(dir, 4, 500_000);
        GlintCli.Run(dir["home"], "job", "create", "copy", "--spec",
            Spec(dir, "{ name: t, from: src, order_by: [k, id] }"), "--bookmark", "enable", "--arg", $"out={dir["out"]}");

        using (var process = GlintCli.Start(dir["home"], ["job", "start", "copy"]))
        {
            using var store = SqlJobStore.Open(dir["home/metastore.db"], dir.Path);
            var clock = Stopwatch.StartNew();
            while (!store.Runs("copy").Any(r => r.State == RunState.Running) && clock.Elapsed < TimeSpan.FromSeconds(60)) Thread.Sleep(20);
            Assert.True(store.Runs("copy").Any(r => r.State == RunState.Running), "the run was never recorded as RUNNING");
            process.Kill(entireProcessTree: true); // SIGKILL: no cleanup runs
            process.WaitForExit();
        }

        var again = GlintCliWithLease(dir, "job", "start", "copy");
        Assert.True(again.ExitCode == 0, again.All);
        using var check = SqlJobStore.Open(dir["home/metastore.db"], dir.Path);
        var runs = check.Runs("copy");
        Assert.Equal([RunState.Succeeded, RunState.Failed], runs.Select(r => r.State));
        Assert.Contains("no heartbeat", runs[1].Error);
        var bookmark = Assert.Single(check.Bookmarks("copy"));
        Assert.Equal(runs[0].RunId, bookmark.RunId);
        var written = Reference.Query($"SELECT count(*), count(DISTINCT id) FROM read_parquet('{dir["out"]}/*.parquet')")[0];
        Assert.Equal((2_000_000L, 2_000_000L), (Convert.ToInt64(written[0]), Convert.ToInt64(written[1])));
    }

    /// <summary>The CLI with a 1-second lease, so a dead run is noticed without waiting the default 30 s.</summary>
    private static GlintCli.Result GlintCliWithLease(TempFolder dir, params string[] args)
    {
        Thread.Sleep(1500);
        return GlintCli.Run(dir["home"], [.. args], new Dictionary<string, string> { [JobRunner.LeaseVariable] = "1" });
    }
}
