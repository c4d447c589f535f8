using System.Globalization;
using Glint.Api;
using Glint.Common;
using Glint.Execution;
using Glint.Plan;
using Glint.Tests.Support;

namespace Glint.Tests;

/// <summary>
/// Every query of the SQL golden files (Golden/sql/*.sql), planned by Glint into stages with 1, 3 and 17
/// input splits, exchanges fused and as files (as files with 1, 7 and 64 shuffle partitions), must return exactly what plain DuckDB returns for
/// the same SQL on the same files: in order for ordered queries, as multisets otherwise.
/// </summary>
[Trait("kind", "grid")]
public sealed class SqlDifferentialTests
{
    public static IEnumerable<object[]> Cases =>
        from q in SqlGolden.All()
        from g in ExchangeModes.Grid()
        select new object[] { q.File, q.Name, g.Mode, g.Splits, g.Buckets };

    [Theory]
    [MemberData(nameof(Cases))]
    public void Glint_equals_plain_DuckDB(string file, string query, string exchanges, int splits, int shufflePartitions) =>
        Check(SqlGolden.Find(file, query), splits, shufflePartitions, new() { ["local_exchange"] = exchanges });

    /// <summary>Every query with adaptive execution off, and with every bucket above the median split as skewed: the same rows (exchanges as files, which adaptive execution re-plans).</summary>
    public static IEnumerable<object[]> AdaptiveCases =>
        from q in SqlGolden.All()
        from mode in new[] { "off", "split" }
        select new object[] { q.File, q.Name, mode };

    [Theory]
    [MemberData(nameof(AdaptiveCases))]
    public void Adaptive_execution_does_not_change_the_rows(string file, string query, string mode) =>
        Check(SqlGolden.Find(file, query), 17, 7, mode == "off"
            ? new() { ["local_exchange"] = "files", ["adaptive_enabled"] = "false" }
            : new() { ["local_exchange"] = "files", ["skew_factor"] = "1", ["skew_threshold"] = "0", ["advisory_partition_size"] = "1" });

    internal static void Check(SqlGolden golden, int splits, int shufflePartitions, Dictionary<string, string>? extra = null,
        Execution.IWorkerPool? pool = null)
    {
        using var home = new TempFolder("sql");
        var partitions = new Dictionary<string, string>(extra ?? []) { ["shuffle_partitions"] = shufflePartitions.ToString(CultureInfo.InvariantCulture) };
        DataFrame Frame(GlintSettings settings)
        {
            var session = new GlintSession(new SessionOptions { Home = home.Path, Settings = settings.With(partitions), Pool = pool });
            var inputs = golden.Sources.ToDictionary(kv => kv.Key,
                kv => session.Read.Format(GoldenCase.FormatOf(kv.Value)).Load(Datasets.Path(kv.Value)), StringComparer.OrdinalIgnoreCase);
            return session.Sql(golden.Sql, inputs);
        }
        PhysicalPlan Plan(DataFrame frame) => frame.Session.Plan([new PlannedAction(frame.Plan, new CollectSink())]);

        var first = Frame(new GlintSettings());
        var total = SplitSearch.Scans(Plan(first)).Max(s => s.Source.TotalBytes);
        var frame = Frame(SplitSearch.For(s => Plan(Frame(s)), splits, total));
        Assert.All(SplitSearch.Scans(Plan(frame)), s => Assert.Equal(SplitSearch.Expected(s, splits), s.Splits.Length));
        ExchangeModes.AssertPlacement(frame, Plan(frame));

        var expected = Reference.QueryOver(golden.Sources, golden.Sql);
        var actual = frame.Collect();
        if (golden.Compare == "ordered")
            AssertRows.Equal(Text(expected), Text(actual));
        else
            AssertRows.Equal([.. Text(expected).Order(StringComparer.Ordinal)], [.. Text(actual).Order(StringComparer.Ordinal)]);
    }

    private static List<string> Text(IEnumerable<object?[]> rows) => rows.Select(r => string.Join(" | ", r.Select(Reference.Rounded))).ToList();
}
