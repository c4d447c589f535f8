using System.Diagnostics;
using System.Security.Cryptography;
using Glint.Api;
using Glint.Common;
using Glint.Execution;
using Glint.Jobs;
using Glint.Tests.Support;

namespace Glint.Tests;

/// <summary>Executors killed in the middle of a multi-stage job: the job carries on and writes exactly what a clean local run writes.</summary>
[Trait("needs", "redis")]
public sealed class ClusterChaosTests
{
    /// <summary>Kills a random running executor (and starts a new one) each time another share of the job's attempts has succeeded.</summary>
    private sealed class Chaos(TestCluster cluster, int every, int kills) : IRunListener
    {
        private readonly Random random = new(42);
        private int succeeded;
        public int Killed;
        public readonly List<string> Victims = [];
        private readonly Lock gate = new();

        public void TaskAttemptFinished(TaskAttemptRecord attempt)
        {
            if (!attempt.Succeeded || Interlocked.Increment(ref succeeded) % every != 0 || Volatile.Read(ref Killed) >= kills) return;
            lock (gate)
            {
                if (Killed >= kills) return;
                var running = cluster.Running.ToList();
                var victim = running[random.Next(running.Count)];
                cluster.Kill(victim);
                cluster.Start();
                Victims.Add(victim);
                Killed++;
            }
        }
    }

    private static void Input(string folder)
    {
        Directory.CreateDirectory(folder);
        for (var f = 0; f < 40; f++)
            Reference.Execute($"""
                COPY (SELECT {f} * 50000 + range AS id, hash(range, {f}) % 500 AS k, md5((range * {f})::VARCHAR) AS payload
                      FROM range(50000)) TO '{folder}/part-{f:D2}.parquet' (FORMAT PARQUET)
                """);
    }

    private static RunSummary Job(GlintSession session, string input, string output) =>
        session.Read.Parquet(input)
            .WithColumn("h", "md5(payload || md5(payload || md5(payload)))")
            .GroupBy("k").Agg("count(*) AS n", "min(h) AS first_h", "max(id) AS last_id")
            .Write().Mode("overwrite").Save(output);

    /// <summary>The target's data files by content: names hold the run id, contents do not.</summary>
    private static List<string> Contents(string target) =>
        [.. Directory.GetFiles(target, "*.parquet").Select(f => Convert.ToHexString(SHA256.HashData(File.ReadAllBytes(f)))).Order(StringComparer.Ordinal)];

    [Fact]
    public void Ten_executors_killed_mid_job_change_nothing_in_the_output()
    {
        using var dir = new TempFolder("chaos");
        Input(dir["in"]);
        // The local run writes its exchanges as files too, as the cluster does: the same tasks, the same output files.
        var settings = new GlintSettings { ShufflePartitions = 8, MinPartitions = 40, MaxPartitionBytes = 1 << 20, FuseLocalExchanges = false };
        var local = Job(new GlintSession(new SessionOptions { Home = dir["home-local"], Settings = settings, WorkerType = WorkerType.G025X }), dir["in"], dir["local"]);

        using var cluster = new TestCluster(executors: 3, prefix: "chaos");
        var chaos = new Chaos(cluster, every: 3, kills: 10);
        var session = new GlintSession(new SessionOptions { Home = dir["home"], Settings = settings, Pool = cluster.Pool, Listener = chaos });
        var summary = Job(session, dir["in"], dir["cluster"]);

        Assert.Equal(10, chaos.Killed);
        Assert.Equal(local.Tasks, summary.Tasks);
        Assert.Equal(Contents(dir["local"]), Contents(dir["cluster"]));
        // The run's record shows the attempts lost with their executors, and every lost task succeeded later on another.
        var lost = summary.Attempts.Where(a => !a.Succeeded).ToList();
        Assert.NotEmpty(lost);
        Assert.All(lost, a => Assert.Contains("was lost", a.Error ?? "", StringComparison.Ordinal));
        Assert.All(lost, a => Assert.Contains(summary.Attempts, b => b.Succeeded && b.Id.Task == a.Id.Task && b.Id.Attempt > a.Id.Attempt
                                                                   && !b.Slot.StartsWith(a.Slot.Split("-slot")[0] + "-", StringComparison.Ordinal)));
        Assert.True(lost.Count <= 10 * cluster.SlotsEach + 10, $"{lost.Count} attempts lost for 10 killed executors: a dead slot kept taking tasks");
    }

    [Fact]
    public void Killing_the_driver_mid_run_leaves_the_target_and_the_bookmark_as_they_were()
    {
        using var dir = new TempFolder("chaos-driver");
        Input(dir["in"]);
        File.WriteAllText(dir["job.yaml"], """
            name: digest
            settings: { shuffle_partitions: 8, min_partitions: 40 }
            sources:
              src: { path: in }
            transforms:
              - { name: h, from: src, with_columns: { h: "md5(payload || md5(payload || md5(payload)))" } }
              - { name: t, from: h, group_by: [k], agg: ["count(*) AS n", "min(h) AS first_h"] }
            targets:
              - { from: t, path: out, mode: append }
            """);
        Assert.Equal(0, GlintCli.Run(dir["home"], "job", "create", "digest", "--spec", dir["job.yaml"], "--bookmark", "enable").ExitCode);

        using var cluster = new TestCluster(executors: 2, prefix: "driver");
        string[] start = ["job", "start", "digest", "--cluster", cluster.Options.Name, "--membership", cluster.Options.Membership];
        using (var driver = GlintCli.Start(dir["home"], start, new Dictionary<string, string> { [JobRunner.LeaseVariable] = "1" }))
        {
            // Killed once the executors have run some of its tasks: mid-run, with staged files under the target.
            var clock = Stopwatch.StartNew();
            while (cluster.Pool.Executors.Sum(e => e.TasksRun) < 4 && clock.Elapsed < TimeSpan.FromSeconds(90) && !driver.HasExited) Thread.Sleep(50);
            Assert.False(driver.HasExited, "the run ended before the driver could be killed");
            driver.Kill(entireProcessTree: true);
            driver.WaitForExit();
        }
        // Nothing of the killed run is visible: no data file, no manifest, no bookmark.
        Assert.Empty(Directory.Exists(dir["out"]) ? Directory.GetFiles(dir["out"]) : []);
        using (var store = SqlJobStore.Open(dir["home/metastore.db"], dir.Path))
            Assert.Empty(store.Bookmarks("digest"));

        Thread.Sleep(1500); // the killed run's 1-second lease runs out
        var again = GlintCli.Run(dir["home"], start, new Dictionary<string, string> { [JobRunner.LeaseVariable] = "1" });
        Assert.True(again.ExitCode == 0, again.All);
        using var check = SqlJobStore.Open(dir["home/metastore.db"], dir.Path);
        Assert.Equal([RunState.Succeeded, RunState.Failed], check.Runs("digest").Select(r => r.State));
        Assert.Equal(check.Runs("digest")[0].RunId, Assert.Single(check.Bookmarks("digest")).RunId);
        var written = Reference.Query($"SELECT count(*), sum(n)::BIGINT FROM read_parquet('{dir["out"]}/*.parquet')")[0];
        Assert.Equal((500L, 2_000_000L), (Convert.ToInt64(written[0]), Convert.ToInt64(written[1])));
    }
}
