using Glint.Api;
using Glint.Common;
using Glint.Execution;
using Glint.Samples;
using Glint.Tests.Support;

namespace Glint.Tests;

/// <summary>
/// The 22 TPC-H queries on the TPC-H-shaped dataset of the bench generator (scale 0.1, several
/// files per large table): Glint, with several splits per scan and 7 shuffle partitions, exchanges
/// fused and as files, returns exactly what plain DuckDB returns for the same SQL, in order.
/// </summary>
public sealed class TpchTests
{
    private static readonly Lazy<IReadOnlyDictionary<string, string>> Data = new(() =>
        TpchGenerator.Generate(Path.Combine(Path.GetTempPath(), "glint-test-tpch", Guid.NewGuid().ToString("N")[..8]), 0.1, filesPerLargeTable: 4));

    public static IEnumerable<object[]> Queries =>
        from n in Enumerable.Range(1, 22) from mode in new[] { "fuse", "files" } select new object[] { n, mode };

    [Theory]
    [MemberData(nameof(Queries))]
    public void Query_equals_plain_DuckDB(int number, string exchanges)
    {
        var sql = TpchQueries.Get(number);
        using var home = new TempFolder("tpch");
        var settings = new GlintSettings().With(new Dictionary<string, string>
        {
            ["shuffle_partitions"] = "7",
            ["max_partition_bytes"] = "64KB",
            ["open_cost_in_bytes"] = "0",
            ["broadcast_threshold"] = "32KB",
            ["local_exchange"] = exchanges,
        });
        var session = new GlintSession(new SessionOptions { Home = home.Path, Settings = settings });
        var inputs = Data.Value.ToDictionary(kv => kv.Key, kv => session.Read.Parquet(kv.Value));
        var actual = session.Sql(sql, inputs).Collect();

        var expected = Reference.QueryOverViews("tpch", Data.Value.ToDictionary(kv => kv.Key, kv => $"read_parquet('{kv.Value}/*.parquet')"), sql);
        Assert.NotEmpty(expected);
        AssertRows.Equal(Text(expected), Text(actual));
    }

    private static List<string> Text(IEnumerable<object?[]> rows) =>
        rows.Select(r => string.Join(" | ", r.Select(Reference.Rounded))).ToList();
}
