using Glint.Tests.Support;

namespace Glint.Tests;

/// <summary>
/// Aggregations, distinct, repartitioning and joins: every golden case under Golden/wide, with 1, 3 and
/// 17 input splits and 1, 7 and 64 shuffle partitions, must equal one plain DuckDB query on the same files.
/// </summary>
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
}
