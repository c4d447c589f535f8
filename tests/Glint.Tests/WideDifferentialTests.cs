using Glint.Tests.Support;

namespace Glint.Tests;

/// <summary>
/// Aggregations, distinct, repartitioning and joins: every golden case under Golden/wide, with 1, 3 and
/// 17 input splits and 1, 7 and 64 shuffle partitions, must equal one plain DuckDB query on the same files.
/// </summary>
[Trait("kind", "grid")]
public sealed class WideDifferentialTests
{
    public static IEnumerable<object[]> Cases =>
        from file in GoldenCase.Files("wide")
        from splits in new[] { 1, 3, 17 }
        from buckets in new[] { 1, 7, 64 }
        select new object[] { file, splits, buckets };

    [Theory]
    [MemberData(nameof(Cases))]
    public void Glint_equals_plain_DuckDB(string file, int splits, int shufflePartitions) =>
        DifferentialTests.Check(GoldenCase.Load("wide", file), splits,
            new() { ["shuffle_partitions"] = shufflePartitions.ToString(System.Globalization.CultureInfo.InvariantCulture) });

    /// <summary>
    /// The grid above runs with adaptive execution on (the default), where this data is coalesced into
    /// one reducer. The same cases must give the same rows with it off (one task per bucket), and with
    /// thresholds so low that every bucket above the median counts as skewed and is split.
    /// </summary>
    public static IEnumerable<object[]> AdaptiveCases =>
        from file in GoldenCase.Files("wide")
        from mode in new[] { "off", "split" }
        select new object[] { file, mode };

    [Theory]
    [MemberData(nameof(AdaptiveCases))]
    public void Adaptive_execution_does_not_change_the_rows(string file, string mode) =>
        DifferentialTests.Check(GoldenCase.Load("wide", file), 17, mode == "off"
            ? new() { ["shuffle_partitions"] = "7", ["adaptive_enabled"] = "false" }
            : new() { ["shuffle_partitions"] = "7", ["skew_factor"] = "1", ["skew_threshold"] = "0", ["advisory_partition_size"] = "1" });
}
