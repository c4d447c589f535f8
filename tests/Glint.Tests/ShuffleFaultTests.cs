using Glint.Api;
using Glint.Common;
using Glint.Execution;
using Glint.Tests.Support;

namespace Glint.Tests;

/// <summary>Failures around a shuffle: retried map tasks leave no duplicates, a failed reducer re-runs alone.</summary>
public sealed class ShuffleFaultTests
{
    private static GlintSession Session(string home, TaskFaultInjector faults) => new(new SessionOptions
    {
        Home = home,
        Settings = new GlintSettings { GroupFiles = false, ShufflePartitions = 7, FuseLocalExchanges = false },
        FaultInjector = faults,
    });

    private static List<string> Expected() => Reference.Canonical(Reference.Query(
        $"SELECT customer, count(*) AS n, count(DISTINCT note) AS notes FROM {Datasets.ReferenceScan("sales_parquet")} GROUP BY customer"));

    [Fact]
    public void A_map_task_that_dies_after_writing_its_buckets_is_retried_without_duplicates()
    {
        using var dir = new TempFolder("map-fault");
        var session = Session(dir["home"], (attempt, result) =>
        {
            if (attempt.Task.Stage.Value == 1 && attempt.Task.Partition == 2 && attempt.Attempt == 1)
            {
                Assert.NotEmpty(result.Files); // its bucket files are on disk, under this attempt's folder
                throw new TransientException("map task lost after writing");
            }
        });
        // count(DISTINCT …) makes every row cross the shuffle, so a duplicated map output would change the counts.
        var frame = session.Read.Parquet(Datasets.Path("sales_parquet")).GroupBy("customer").Agg("count(*) AS n", "count(DISTINCT note) AS notes");
        var summary = session.Run([new Plan.PlannedAction(frame.Plan, new Plan.CollectSink())]);
        AssertRows.Equal(Expected(), Reference.Canonical(summary.Rows.Values.Single()));
        Assert.Equal(1, summary.Summary.FailedAttempts);
        // Per-bucket statistics of the map stage count every input row exactly once.
        var map = summary.Summary.Stages.Single(s => s.Id.Value == 1);
        Assert.Equal(Datasets.Files * 300, map.Buckets.Sum(b => b.Rows));
        Assert.InRange(map.Buckets.Length, 2, 7);
        Assert.Equal(summary.Summary.ShuffleBytes, map.Buckets.Sum(b => b.Bytes));
    }

    [Fact]
    public void A_failed_reducer_re_runs_only_itself()
    {
        using var dir = new TempFolder("reduce-fault");
        var session = Session(dir["home"], (attempt, _) =>
        {
            if (attempt.Task.Stage.Value == 2 && attempt.Task.Partition == 0 && attempt.Attempt == 1)
                throw new TransientException("reducer lost");
        });
        var frame = session.Read.Parquet(Datasets.Path("sales_parquet")).GroupBy("customer").Agg("count(*) AS n", "count(DISTINCT note) AS notes");
        var outcome = session.Run([new Plan.PlannedAction(frame.Plan, new Plan.CollectSink())]);
        AssertRows.Equal(Expected(), Reference.Canonical(outcome.Rows.Values.Single()));

        var attempts = outcome.Summary.Attempts;
        Assert.All(attempts.Where(a => a.Id.Task.Stage.Value == 1), a => Assert.Equal(1, a.Id.Attempt)); // no map task re-ran
        Assert.Equal(Datasets.Files, attempts.Count(a => a.Id.Task.Stage.Value == 1));
        var reducer0 = attempts.Where(a => a.Id.Task == new TaskId(new StageId(2), 0)).ToList();
        Assert.Equal([false, true], reducer0.OrderBy(a => a.Id.Attempt).Select(a => a.Succeeded));
        Assert.All(attempts.Where(a => a.Id.Task.Stage.Value == 2 && a.Id.Task.Partition != 0), a => Assert.Equal(1, a.Id.Attempt));
    }
}
