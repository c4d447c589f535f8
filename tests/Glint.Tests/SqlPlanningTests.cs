using Glint.Api;
using Glint.Common;
using Glint.Execution;
using Glint.Jobs;
using Glint.Plan;
using Glint.Tests.Support;

namespace Glint.Tests;

/// <summary>
/// The planning rules of SQL, read off the plans they make: partition pruning, projection pushdown,
/// filters below joins, join order by size, partial aggregation and broadcast under the threshold.
/// </summary>
public sealed class SqlPlanningTests
{
    private static GlintSession Session(Dictionary<string, string>? settings = null) =>
        new(new SessionOptions
        {
            Home = Path.Combine(Path.GetTempPath(), "glint-tests", "sql-planning-home"),
            Settings = new GlintSettings().With(settings ?? []),
        });

    private static DataFrame Sql(GlintSession session, string sql) => session.Sql(sql, new Dictionary<string, DataFrame>
    {
        ["sales"] = session.Read.Parquet(Datasets.Path("sales_parquet")),
        ["customers"] = session.Read.Parquet(Datasets.Path("customers")),
    });

    private static IEnumerable<LogicalNode> Nodes(LogicalNode node) => node.Children.SelectMany(Nodes).Prepend(node);

    [Fact]
    public void A_filter_on_partition_columns_prunes_files_before_splits_are_made()
    {
        var frame = Sql(Session(), "SELECT count(*) FROM sales WHERE day BETWEEN DATE '2024-01-02' AND DATE '2024-01-03' AND qty > 0");
        var scan = Nodes(frame.Plan).OfType<ScanNode>().Single();
        var expected = Directory.GetFiles(Datasets.Path("sales_parquet"), "*.parquet", SearchOption.AllDirectories)
            .Count(f => f.Contains("day=2024-01-02") || f.Contains("day=2024-01-03"));
        Assert.Equal(expected, scan.Source.Files.Length);
        Assert.True(expected < 17, "the dataset has other days to prune");
        var plan = frame.Session.Plan([new PlannedAction(frame.Plan, new CollectSink())]);
        Assert.All(SplitSearch.Scans(plan).SelectMany(s => s.Splits).SelectMany(s => s.Slices),
            slice => Assert.Matches("day=2024-01-0[23]", slice.File.Path));
    }

    [Fact]
    public void Each_input_is_read_with_only_the_columns_the_query_names()
    {
        var frame = Sql(Session(), "SELECT s.day, sum(s.amount) FROM sales s JOIN customers c ON s.customer = c.customer WHERE c.segment = 'gold' GROUP BY s.day");
        var reads = Nodes(frame.Plan).OfType<ProjectNode>().Where(p => p.Input is ScanNode)
            .ToDictionary(p => Path.GetFileName(((ScanNode)p.Input).Source.Path), p => p.Output.Columns.Length);
        Assert.Equal(3, reads["sales_parquet"]);  // customer, amount, day of 8
        Assert.Equal(2, reads["customers"]);      // customer, segment of 3
    }

    [Fact]
    public void Filters_on_one_input_are_applied_below_the_join()
    {
        var frame = Sql(Session(), "SELECT s.id FROM sales s, customers c WHERE s.customer = c.customer AND c.segment = 'gold' AND s.qty > 3");
        var join = Nodes(frame.Plan).OfType<JoinNode>().Single();
        Assert.Contains(Nodes(join.Left).OfType<FilterNode>(), f => f.Condition.Contains("qty"));
        Assert.Contains(Nodes(join.Right).OfType<FilterNode>(), f => f.Condition.Contains("segment"));
        Assert.DoesNotContain(Nodes(frame.Plan).TakeWhile(n => n is not JoinNode).OfType<FilterNode>(), _ => true);
    }

    [Theory]
    [InlineData("SELECT s.id FROM customers c, sales s WHERE s.customer = c.customer")]
    [InlineData("SELECT s.id FROM sales s, customers c WHERE s.customer = c.customer")]
    public void The_smaller_input_is_the_build_side_whatever_the_FROM_order(string sql)
    {
        var join = Nodes(Sql(Session(), sql).Plan).OfType<JoinNode>().Single();
        Assert.EndsWith("sales_parquet", Nodes(join.Left).OfType<ScanNode>().Single().Source.Path);
        Assert.EndsWith("customers", Nodes(join.Right).OfType<ScanNode>().Single().Source.Path);
    }

    [Fact]
    public void Aggregates_in_expressions_still_aggregate_partially_before_the_shuffle()
    {
        var frame = Sql(Session(), "SELECT region, sum(amount) / count(amount) AS mean, max(qty) - min(qty) AS spread FROM sales GROUP BY region");
        var aggregate = Nodes(frame.Plan).OfType<AggregateNode>().Single();
        Assert.NotNull(aggregate.Split);
        Assert.Equal(4, aggregate.Aggregates.Length);
    }

    [Theory]
    [InlineData("10MB", true)]
    [InlineData("-1", false)]
    public void Joins_broadcast_the_side_under_the_threshold(string threshold, bool broadcast)
    {
        var frame = Sql(Session(new() { ["broadcast_threshold"] = threshold }), "SELECT s.id, c.segment FROM sales s JOIN customers c ON s.customer = c.customer");
        var plan = frame.Session.Plan([new PlannedAction(frame.Plan, new CollectSink())]);
        var operators = plan.Stages.SelectMany(s => s.Pipelines).SelectMany(p => p.Operators).ToList();
        Assert.Equal(broadcast, operators.OfType<BroadcastJoinOp>().Any());
        Assert.Equal(!broadcast, plan.Stages.SelectMany(s => s.Pipelines).Any(p => p.Input is ShuffleJoinInput));
    }

    [Fact]
    public void A_sql_transform_reads_sources_and_earlier_transforms_by_name()
    {
        using var dir = new TempFolder("sql-job");
        var spec = JobSpecLoader.Parse($"""
            name: sql_job
            sources:
              sales: {"{"} path: {Datasets.Path("sales_parquet")} {"}"}
              customers: {"{"} path: {Datasets.Path("customers")} {"}"}
            transforms:
              - {"{"} name: big, from: sales, filter: "amount > 500" {"}"}
              - name: per_segment
                sql: SELECT c.segment, count(*) AS n FROM big b JOIN customers c USING (customer) GROUP BY c.segment
            targets:
              - {"{"} from: per_segment, path: {dir["out"]}, format: parquet {"}"}
            """, dir.Path);
        var session = new GlintSession(new SessionOptions { Home = dir["home"] });
        var summary = session.Run(JobPlanner.Actions(spec, session)).Summary;
        var expected = Reference.Canonical(Reference.QueryOver(new Dictionary<string, string> { ["sales"] = "sales_parquet", ["customers"] = "customers" },
            "SELECT c.segment, count(*) AS n FROM sales b JOIN customers c USING (customer) WHERE b.amount > 500 GROUP BY c.segment"));
        Assert.Equal(expected.Count, summary.RowsOut);
        Assert.Equal(expected, Reference.Canonical(Reference.Query($"SELECT segment, n FROM read_parquet('{dir["out"]}/*.parquet')")));
    }

    [Fact]
    public void A_sql_transform_with_from_is_refused()
    {
        var e = Assert.Throws<Glint.Common.SpecException>(() => JobSpecLoader.Parse("""
            name: bad
            sources: { sales: { path: /tmp } }
            transforms:
              - { name: t, from: sales, sql: "SELECT * FROM sales" }
            targets:
              - { from: t, path: /tmp/out }
            """, "/tmp"));
        Assert.Contains("names its inputs in its FROM clause", e.Message);
    }
}
