using Glint.Api;
using Glint.Common;
using Glint.Execution;
using Glint.Jobs;
using Glint.Plan;
using Glint.Tests.Support;

namespace Glint.Tests;

/// <summary>A spec with several targets: shared transforms are computed once, and the targets commit together or not at all.</summary>
public sealed class FanOutTests
{
    private static JobSpec Spec(TempFolder dir) => JobSpecLoader.Parse($$"""
        name: fan_out
        sources:
          sales: { path: {{Datasets.Path("sales_parquet")}} }
        transforms:
          - { name: per_customer, from: sales, group_by: [customer, day], agg: ["count(*) AS n", "max(amount) AS top"] }
          - { name: big, from: per_customer, filter: "n > 2" }
        targets:
          - { from: per_customer, path: {{dir["all"]}}, mode: overwrite }
          - { from: big, path: {{dir["big"]}}, partition_by: [day], mode: append }
        """, dir.Path);

    [Fact]
    public void A_transform_read_by_two_targets_is_computed_once()
    {
        using var dir = new TempFolder("fan-out");
        var spec = Spec(dir);
        var session = new GlintSession(new SessionOptions { Home = dir["home"], Settings = new GlintSettings { ShufflePartitions = 4 } });
        var actions = JobPlanner.Actions(spec, session);
        var plan = session.Plan(actions);
        Assert.Single(plan.Stages, s => s.Sink is ShuffleSink);          // one aggregate map stage for both targets
        Assert.Equal(2, plan.Stages.Count(s => s.Sink is TargetSink));

        session.Run(actions);
        var expected = Reference.Canonical(Reference.QueryOver(new Dictionary<string, string> { ["sales"] = "sales_parquet" },
            "SELECT customer, day, count(*) AS n, max(amount) AS top FROM sales GROUP BY customer, day"));
        Assert.Equal(expected, Reference.Canonical(Reference.Query($"SELECT customer, day, n, top FROM read_parquet('{dir["all"]}/*.parquet')")));
        var big = Reference.Query($"SELECT count(*) FROM read_parquet('{dir["big"]}/**/*.parquet', hive_partitioning=true)")[0][0];
        Assert.Equal(expected.Count(r => long.Parse(r.Split(" | ")[2]) > 2), Convert.ToInt32(big));
    }

    [Fact]
    public void When_the_second_target_cannot_commit_the_first_is_left_as_it_was()
    {
        using var dir = new TempFolder("fan-out-atomic");
        var spec = Spec(dir);
        var session = new GlintSession(new SessionOptions { Home = dir["home"] });
        session.Run(JobPlanner.Actions(spec, session));
        var before = Snapshot(dir["all"]);
        // A file where the second target needs a partition folder: its commit fails after the first target's files moved in.
        var blocked = Directory.GetDirectories(dir["big"]).First();
        Directory.Delete(blocked, recursive: true);
        File.WriteAllText(blocked, "not a folder");

        var e = Assert.Throws<TargetException>(() => session.Run(JobPlanner.Actions(spec, session)));
        Assert.Contains("rolled back", e.Message);
        Assert.Equal(before, Snapshot(dir["all"]));
        Assert.Equal("not a folder", File.ReadAllText(blocked));
    }

    private static List<string> Snapshot(string folder) =>
        [.. Directory.GetFiles(folder, "*", SearchOption.AllDirectories).Order().Select(f => $"{Path.GetRelativePath(folder, f)}:{Convert.ToHexString(System.Security.Cryptography.SHA256.HashData(File.ReadAllBytes(f)))}")];
}

/// <summary>Cost caps: a run that would pass max_dpu_seconds or max_cost is stopped and changes no target.</summary>
public sealed class CostCapTests
{
    /// <summary>One G.025X worker: 0.25 DPU, billed at least 15 DPU-seconds ($0.00183). The caps below allow 80 s, which the
    /// accelerated clock (×2000) makes 40 ms, so the run passes its cap long before it ends.</summary>
    [Theory]
    [InlineData("max_dpu_seconds", "20")]
    [InlineData("max_cost", "0.00245")]
    public void A_run_reaching_its_cap_is_stopped_and_changes_nothing(string key, string value)
    {
        using var dir = new TempFolder("cost-cap");
        var session = new GlintSession(new SessionOptions
        {
            Home = dir["home"], WorkerType = WorkerType.G025X, Settings = new GlintSettings { FuseLocalExchanges = false }.With(key, value), Time = new FastTime(2000),
        });
        var frame = session.Read.Parquet(Datasets.Path("sales_parquet")).OrderBy("amount", "id");
        var e = Assert.Throws<CostCapException>(() => frame.Write().Save(dir["out"]));
        Assert.Contains("stopped at its cost cap", e.Message);
        Assert.Contains("no target was changed", e.Message);
        Assert.False(Directory.Exists(dir["out"]));
    }

    [Theory]
    [InlineData("max_dpu_seconds", "10", "a cost cap of 10 DPU-seconds")]
    [InlineData("max_cost", "0.001", "a cost cap of 8.182 DPU-seconds ($0.00100)")]
    public void A_cap_below_the_billing_minimum_is_refused_before_any_task(string key, string value, string message)
    {
        using var dir = new TempFolder("cost-cap-minimum");
        var session = new GlintSession(new SessionOptions { Home = dir["home"], WorkerType = WorkerType.G025X, Settings = new GlintSettings().With(key, value) });
        var e = Assert.Throws<ConfigException>(() => session.Read.Parquet(Datasets.Path("sales_parquet")).Write().Save(dir["out"]));
        Assert.Contains(message, e.Message);
        Assert.Contains("below the 60 s billing minimum of 1 × G.025X (15 DPU-seconds, $0.00183)", e.Message);
        Assert.False(Directory.Exists(dir["out"]));
    }

    [Fact]
    public void The_price_per_DPU_hour_is_a_setting()
    {
        using var dir = new TempFolder("cost-price");
        var session = new GlintSession(new SessionOptions { Home = dir["home"], Settings = new GlintSettings().With("dpu_hour_price", "1.5") });
        var summary = session.Read.Parquet(Datasets.Path("sales_parquet")).Write().Save(dir["out"]);
        Assert.Equal(summary.DpuSeconds / 3600 * 1.5, summary.Cost, 10);
        Assert.Throws<ConfigException>(() => new GlintSettings().With("max_cost", "cheap"));
    }
}
