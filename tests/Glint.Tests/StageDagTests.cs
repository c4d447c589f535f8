using Glint.Api;
using Glint.Common;
using Glint.Execution;
using Glint.Tests.Support;

namespace Glint.Tests;

/// <summary>A stage starts as soon as the stages it reads have committed, while unrelated stages still run.</summary>
public sealed class StageDagTests
{
    private sealed class Events : IRunListener
    {
        public List<string> Log { get; } = [];
        public void StageStarted(StageId stage, string name, int tasks) { lock (Log) Log.Add($"start {stage}"); }
        public void StageFinished(StageId stage) { lock (Log) Log.Add($"finish {stage}"); }
    }

    [Fact]
    public void A_stage_does_not_wait_for_stages_it_does_not_read()
    {
        using var dir = new TempFolder("dag");
        var events = new Events();
        var session = new GlintSession(new SessionOptions
        {
            Home = dir["home"],
            Settings = new GlintSettings { GroupFiles = false, ShufflePartitions = 4 },
            Listener = events,
            // Stage s3 (a plain write) is slowed down; the aggregation's reducers (s2) must not wait for it.
            FaultInjector = (attempt, _) => { if (attempt.Task.Stage.Value == 3) Thread.Sleep(150); },
        });
        var sales = session.Read.Parquet(Datasets.Path("sales_parquet"));
        var outcome = session.Run([
            sales.GroupBy("customer").Agg("count(*) AS n").Write().ToAction(dir["counts"]),
            sales.Write().ToAction(dir["copy"]),
        ]);
        Assert.True(outcome.Summary.Succeeded);
        var log = events.Log;
        // s1 is the aggregation's map stage, s2 its reducers, s3 the slow copy: s2 starts when s1 commits, while s3 still runs.
        Assert.True(log.IndexOf("finish s1") < log.IndexOf("start s2"), string.Join(", ", log));
        Assert.True(log.IndexOf("start s2") < log.IndexOf("finish s3"), string.Join(", ", log));
    }
}
