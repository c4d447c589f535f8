using Glint.Api;
using Glint.Execution;
using Glint.Plan;
using Glint.Tests.Support;

namespace Glint.Tests;

/// <summary>
/// An uncorrelated IN that reads one FROM input is joined to that input before the joins between inputs (fewer rows
/// to join, TPC-H Q18); a correlated EXISTS stays above them. Both return what DuckDB returns.
/// </summary>
public sealed class SemiJoinPlacementTests
{
    /// <summary>Plans <paramref name="sql"/> over sales and customers, checks where its semi join sits, and compares its rows with DuckDB.</summary>
    private static void Check(string sql, bool below)
    {
        using var dir = new TempFolder("semi");
        var session = new GlintSession(new SessionOptions { Home = dir.Path });
        var inputs = new Dictionary<string, DataFrame>
        {
            ["sales"] = session.Read.Parquet(Datasets.Path("sales_parquet")),
            ["customers"] = session.Read.Parquet(Datasets.Path("customers")),
        };
        var frame = session.Sql(sql, inputs);
        Assert.Equal(below, SemiBelowInner(frame.Plan));
        var expected = Reference.QueryOver(new Dictionary<string, string> { ["sales"] = "sales_parquet", ["customers"] = "customers" }, sql);
        AssertRows.Equal(Reference.Canonical(expected), Reference.Canonical(frame.Collect()));
    }

    /// <summary>True when a semi or anti join sits inside one side of an inner join.</summary>
    private static bool SemiBelowInner(LogicalNode node) =>
        node is JoinNode { Type: JoinType.Inner } j && (HasSemi(j.Left) || HasSemi(j.Right)) || node.Children.Any(SemiBelowInner);

    private static bool HasSemi(LogicalNode node) => node is JoinNode { Type: JoinType.Semi or JoinType.Anti } || node.Children.Any(HasSemi);

    [Fact]
    public void An_uncorrelated_IN_on_one_input_is_applied_before_the_join() => Check("""
        SELECT c.segment, count(*) AS n FROM sales s JOIN customers c ON s.customer = c.customer
        WHERE s.customer IN (SELECT customer FROM sales WHERE qty > 3) GROUP BY c.segment
        """, below: true);

    [Fact]
    public void A_correlated_EXISTS_stays_above_the_joins() => Check("""
        SELECT c.segment, count(*) AS n FROM sales s JOIN customers c ON s.customer = c.customer
        WHERE EXISTS (SELECT 1 FROM sales t WHERE t.customer = s.customer AND t.qty > s.qty) GROUP BY c.segment
        """, below: false);
}
