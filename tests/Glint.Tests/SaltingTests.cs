using Glint.Api;
using Glint.Common;
using Glint.Execution;
using Glint.Plan;
using Glint.Tests.Support;

namespace Glint.Tests;

/// <summary>Salting a join's hot key moves its rows off one reducer without changing the result.</summary>
public sealed class SaltingTests
{
    private static GlintSession Session(string home) => new(new SessionOptions
    {
        Home = home,
        Settings = new GlintSettings { ShufflePartitions = 16, BroadcastThreshold = -1, FuseLocalExchanges = false },
    });

    [Fact]
    public void Salting_spreads_the_hot_key_over_several_buckets()
    {
        using var dir = new TempFolder("salt");
        var session = Session(dir["home"]);
        var sales = session.Read.Parquet(Datasets.Path("sales_skewed")).Select("id", "customer");
        var customers = session.Read.Parquet(Datasets.Path("customers"));

        long LargestLeftBucket(DataFrame joined)
        {
            var outcome = session.Run([new PlannedAction(joined.Plan, new CountSink())]);
            return outcome.Summary.Stages.First().Buckets.Max(b => b.Rows);
        }

        var plain = LargestLeftBucket(sales.Join(customers, on: ["customer"]));
        var salted = LargestLeftBucket(sales.Join(customers, ["customer"], "inner", 8, ["hot"]));
        var hotRows = Convert.ToInt64(Reference.Query($"SELECT count(*) FROM {Datasets.ReferenceScan("sales_skewed")} WHERE customer = 'hot'")[0][0]);
        Assert.True(plain >= hotRows, $"without salt one bucket holds every hot row ({plain} ≥ {hotRows})");
        Assert.True(salted < hotRows / 3, $"with 8 salts the largest bucket ({salted}) holds well under the {hotRows} hot rows");
    }

    [Fact]
    public void Salting_an_aggregate_that_must_see_every_row_is_refused()
    {
        var session = Session(Path.GetTempPath());
        var sales = session.Read.Parquet(Datasets.Path("sales_skewed"));
        var e = Assert.Throws<PlanException>(() => sales.GroupBy("customer").Agg(4, "count(DISTINCT note) AS notes"));
        Assert.Contains("must see every row", e.Message);
        var plan = sales.GroupBy("customer").Agg(4, "count(*) AS n").Explain();
        Assert.Contains("combine aggregate", plan);
    }

    [Fact]
    public void Right_and_full_joins_cannot_be_salted()
    {
        var session = Session(Path.GetTempPath());
        var sales = session.Read.Parquet(Datasets.Path("sales_skewed")).Select("id", "customer");
        var customers = session.Read.Parquet(Datasets.Path("customers"));
        var e = Assert.Throws<PlanException>(() => sales.Join(customers, ["customer"], "full", 4, ["hot"]));
        Assert.Contains("cannot be salted", e.Message);
    }
}
