using System.Collections.Immutable;
using Glint.Common;
using Glint.Execution;
using Glint.Jobs;
using Glint.Tests.Support;

namespace Glint.Tests;

/// <summary>A job run's task attempts reach the metastore while it runs (what the console's live view reads), each exactly once.</summary>
public sealed class LiveProgressTests
{
    [Fact]
    public async Task Attempts_are_recorded_while_the_run_goes_and_once_each_at_its_end()
    {
        using var dir = new TempFolder("live");
        Directory.CreateDirectory(dir["in"]);
        for (var f = 0; f < 16; f++)
            Reference.Execute($"COPY (SELECT range AS id, md5((range * {f})::VARCHAR) AS payload FROM range(150000)) TO '{dir[$"in/part-{f:D2}.parquet"]}' (FORMAT PARQUET)");
        using var store = SqlJobStore.Open(dir["metastore.db"], dir.Path);
        store.CreateJob(new JobDefinition("digest", """
            name: digest
            settings: { min_partitions: 16, max_partition_bytes: 1MB }
            sources: { src: { path: in } }
            transforms:
              - { name: h, from: src, with_columns: { h: "md5(payload || md5(payload || md5(payload || md5(payload))))" } }
            targets:
              - { from: h, path: out, mode: overwrite }
            """, ImmutableDictionary<string, string>.Empty, BaseFolder: dir.Path));
        RunId? runId = null;
        // The first attempt goes at once; every later one waits (up to a minute) until an attempt is on record, so the
        // live view is seen while tasks remain however loaded the machine is (the heartbeat's timer can be late).
        var reported = 0;
        void WaitForTheFirst(Common.TaskAttemptId attempt, Execution.TaskResult result)
        {
            if (Interlocked.Increment(ref reported) == 1) return;
            SpinWait.SpinUntil(() => runId is not null && store.TaskAttempts(runId.Value).Count > 0, TimeSpan.FromMinutes(1));
        }
        var runner = new JobRunner(store, new SessionOptions { Home = dir["home"], Metastore = dir["metastore.db"], FaultInjector = WaitForTheFirst })
            { Lease = TimeSpan.FromSeconds(1) };

        var run = Task.Run(() => runner.Start("digest", new Dictionary<string, string>(), started: r => runId = r.RunId));
        var seenWhileRunning = 0;
        while (!run.IsCompleted)
        {
            if (runId is not null && store.FindRun(runId.Value)?.State == RunState.Running)
                seenWhileRunning = Math.Max(seenWhileRunning, store.TaskAttempts(runId.Value).Count);
            await Task.Delay(50);
        }
        var finished = await run;
        Assert.Equal(RunState.Succeeded, finished.State);
        Assert.True(seenWhileRunning > 0, "no attempt was on record while the run went");
        var attempts = store.TaskAttempts(finished.RunId);
        Assert.Equal(finished.Record!.Attempts, attempts.Count);
        Assert.Equal(attempts.Count, attempts.Select(a => a.AttemptId).Distinct().Count());
    }
}
