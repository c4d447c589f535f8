using Glint.Tests.Support;

namespace Glint.Tests;

/// <summary>
/// Aggregations, distinct, repartitioning and joins: every golden case under Golden/wide, with 1, 3 and
/// 17 input splits, exchanges fused and as files, and (as files) 1, 7 and 64 shuffle partitions, must
/// equal one plain DuckDB query on the same files.
/// </summary>
[Trait("kind", "grid")]
public sealed class WideDifferentialTests
{
    public static IEnumerable<object[]> Cases =>
        from file in GoldenCase.Files("wide")
        from g in ExchangeModes.Grid()
        select new object[] { file, g.Mode, g.Splits, g.Buckets };

    [Theory]
    [MemberData(nameof(Cases))]
    public void Glint_equals_plain_DuckDB(string file, string exchanges, int splits, int shufflePartitions) =>
        DifferentialTests.Check(GoldenCase.Load("wide", file), splits, ExchangeModes.Settings(exchanges, shufflePartitions));

    /// <summary>
    /// The grid above runs with adaptive execution on (the default), where this data is coalesced into
    /// one reducer. The same cases must give the same rows with it off (one task per bucket), and with
    /// thresholds so low that every bucket above the median counts as skewed and is split — with
    /// exchanges as files, since adaptive execution re-plans the readers of exchange files.
    /// </summary>
    public static IEnumerable<object[]> AdaptiveCases =>
        from file in GoldenCase.Files("wide")
        from mode in new[] { "off", "split" }
        select new object[] { file, mode };

    [Theory]
    [MemberData(nameof(AdaptiveCases))]
    public void Adaptive_execution_does_not_change_the_rows(string file, string mode) =>
        DifferentialTests.Check(GoldenCase.Load("wide", file), 17, mode == "off"
            ? new() { ["local_exchange"] = "files", ["shuffle_partitions"] = "7", ["adaptive_enabled"] = "false" }
            : new() { ["local_exchange"] = "files", ["shuffle_partitions"] = "7", ["skew_factor"] = "1", ["skew_threshold"] = "0", ["advisory_partition_size"] = "1" });
}
