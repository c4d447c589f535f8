using Glint.Catalog;
using Glint.Common;
using Glint.Jobs;
using Glint.Tests.Support;

namespace Glint.Tests;

/// <summary><c>glint gc</c> and the cleanup a run does: what dead runs left goes, what a live run holds stays.</summary>
public sealed class GarbageCollectionTests
{
    [Fact]
    public void Gc_removes_dead_runs_leftovers_marks_their_runs_failed_and_leaves_a_live_run_alone()
    {
        using var dir = new TempFolder("gc");
        var home = dir["home"];
        Directory.CreateDirectory(dir["out"]);
        File.WriteAllText(dir["out/data.csv"], "a\n1\n");
        foreach (var run in new[] { "run-dead", "run-live" })
        {
            Directory.CreateDirectory(Path.Combine(home, "scratch", run, "slots"));
            Directory.CreateDirectory(dir[$"out/_glint_temporary/{run}/s1-t0000-a1"]);
            File.WriteAllText(dir[$"out/_glint_temporary/{run}/s1-t0000-a1/part.csv"], "a\n2\n");
        }
        Directory.CreateDirectory(Path.Combine(home, "runs"));
        // A live run holds its lock, as a running glint process does.
        using var live = new FileStream(Path.Combine(home, "runs", "run-live.lock"), FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
        RunId recorded;
        using (var store = Metastores.Open(null, home))
            recorded = (SqlJobStore.Of(store)).StartRun("adhoc-x", 1, null, [], int.MaxValue, TimeSpan.FromDays(365)).RunId;

        var refused = GlintCli.Run(home, "gc", "--older-than", "soon");
        Assert.Equal(1, refused.ExitCode);
        Assert.Contains("'--older-than' takes a duration such as 90s", refused.All);
        Assert.True(Directory.Exists(Path.Combine(home, "scratch", "run-dead")));

        var gc = GlintCli.Run(home, "gc", dir["out"], "--older-than", "0s");
        Assert.True(gc.ExitCode == 0, gc.All);
        Assert.False(Directory.Exists(Path.Combine(home, "scratch", "run-dead")));
        Assert.False(Directory.Exists(dir["out/_glint_temporary/run-dead"]));
        Assert.True(Directory.Exists(Path.Combine(home, "scratch", "run-live")));
        Assert.True(File.Exists(dir["out/_glint_temporary/run-live/s1-t0000-a1/part.csv"]));
        Assert.Equal("a\n1\n", File.ReadAllText(dir["out/data.csv"]));
        Assert.Contains($"run {recorded}: its process is gone; recorded as FAILED", gc.Output);
        using (var store = Metastores.Open(null, home))
            Assert.Equal(RunState.Failed, (SqlJobStore.Of(store)).FindRun(recorded)!.State);
    }

    [Fact]
    public void An_ad_hoc_run_killed_mid_way_is_recorded_as_failed_by_the_next_run_not_left_running()
    {
        using var dir = new TempFolder("gc-adhoc", inMemory: true);
        var home = dir["home"];
        Directory.CreateDirectory(dir["in"]);
        Reference.Execute($"COPY (SELECT range AS id, range % 2000 AS grp FROM range(20000) ORDER BY grp) TO '{dir["in/data.parquet"]}' (FORMAT PARQUET)");
        File.WriteAllText(dir["job.yaml"], $"name: killed\nsources: {{ s: {{ path: {dir["in"]} }} }}\ntargets: [ {{ from: s, path: {dir["out"]}, mode: overwrite, partition_by: [grp] }} ]\n");
        Assert.NotNull(Crash.KillAt(home, dir["trace"], 1, 250, "run", dir["job.yaml"])); // killed once its tasks were done
        var again = GlintCli.Run(home, "run", dir["job.yaml"]);
        Assert.True(again.ExitCode == 0, again.All);
        using var store = Metastores.Open(null, home);
        var runs = (SqlJobStore.Of(store)).Runs("adhoc-killed");
        Assert.Equal(2, runs.Count);
        Assert.Equal(RunState.Failed, runs[1].State);
        Assert.Contains("ended before its commit", runs[1].Error);
        Assert.Equal(RunState.Succeeded, runs[0].State);
        Assert.False(Directory.Exists(dir["out/_glint_temporary"]));
    }
}
