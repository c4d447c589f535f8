using Glint.Api;
using Glint.Common;
using Glint.Execution;
using Glint.Plan;
using Glint.Tests.Support;

namespace Glint.Tests;

public sealed class CoalesceTests
{
    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(5)]
    public void Coalesce_merges_splits_into_fewer_tasks_without_a_shuffle(int partitions)
    {
        using var dir = new TempFolder("coalesce");
        var session = new GlintSession(new SessionOptions { Home = dir["home"], Settings = new GlintSettings { GroupFiles = false } });
        var frame = session.Read.Parquet(Datasets.Path("sales_parquet")).Coalesce(partitions).Filter("qty > 2");
        var plan = session.Plan([new PlannedAction(frame.Plan, new CollectSink())]);
        Assert.Single(plan.Stages);
        Assert.Equal(partitions, plan.Stages[0].TaskCount);
        var expected = Reference.Canonical(Reference.Query($"SELECT * FROM {Datasets.ReferenceScan("sales_parquet")} WHERE qty > 2"));
        AssertRows.Equal(expected, Reference.Canonical(frame.Collect()));

        var summary = frame.Write().Save(dir["out"]);
        Assert.Equal(partitions, summary.Tasks);
    }

    [Fact]
    public void Coalesce_after_a_shuffle_is_refused_with_a_hint()
    {
        var session = new GlintSession(new SessionOptions { Home = Path.GetTempPath() });
        var frame = session.Read.Parquet(Datasets.Path("sales_parquet")).GroupBy("customer").Agg("count(*) AS n").Coalesce(2);
        var error = Assert.Throws<PlanException>(() => session.Plan([new PlannedAction(frame.Plan, new CollectSink())]));
        Assert.Contains("repartition", error.Message);
    }
}
