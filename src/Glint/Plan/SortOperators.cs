using System.Collections.Immutable;
using Glint.Common;

namespace Glint.Plan;

// Global sort: sampling the first key, range buckets from the sample, sorting each bucket.

/// <summary>Sorts the rows of one task.</summary>
internal sealed record SortOp(ImmutableArray<SortKey> Keys) : PhysicalOperator
{
    public override string Render(string input) => $"SELECT * FROM {input} ORDER BY {string.Join(", ", Keys.Select(k => k.Render()))}";
    public override string Describe() => $"sort by {string.Join(", ", Keys)}";
}

/// <summary>A reservoir sample of the first sort key, from which range boundaries are drawn.</summary>
internal sealed record SampleOp(string Column, int Rows) : PhysicalOperator
{
    public override string Render(string input) =>
        $"SELECT {Sql.Ident(Column)} FROM {input} USING SAMPLE reservoir({Rows} ROWS) REPEATABLE (7)";
    public override string Describe() => $"sample {Rows} values of {Column}";
}

/// <summary>
/// Range partitioning: the bucket of a row is the range its first sort key falls in, between boundaries
/// drawn from the sample (quantiles), found with an ASOF join. Equal first keys share a bucket, and
/// buckets follow the sort order, so sorting each bucket gives a total order.
/// </summary>
internal sealed record RangeBucketOp(StageId Sample, SortKey Key, string KeyType, int Buckets) : PhysicalOperator, IReadsStage
{
    public StageId Source => Sample;
    public Schema SourceSchema => Schema.Of([new Column(Key.Column, KeyType)]);
    public string Relation => $"sample_{Sample}";

    public override string Render(string input)
    {
        var k = Sql.Ident(Key.Column);
        var fractions = string.Join(", ", Enumerable.Range(1, Buckets - 1).Select(i => ((double)i / Buckets).ToString("R", System.Globalization.CultureInfo.InvariantCulture)));
        var bounds = Buckets == 1
            ? $"(SELECT NULL::{KeyType} AS lo, 0 AS b WHERE false)"
            : $"(SELECT lo, row_number() OVER (ORDER BY lo) AS b FROM (SELECT DISTINCT unnest(quantile_disc({k}, [{fractions}])) AS lo FROM {Relation} WHERE {k} IS NOT NULL) WHERE lo IS NOT NULL)";
        var ascending = $"coalesce(glint_bounds.b, 0)";
        var ordered = Key.Descending ? $"({Buckets - 1} - {ascending})" : ascending;
        var nulls = Key.NullsFirst ? "0" : (Buckets - 1).ToString(System.Globalization.CultureInfo.InvariantCulture);
        return $"SELECT {input}.*, CAST(CASE WHEN {input}.{k} IS NULL THEN {nulls} ELSE {ordered} END AS INTEGER) AS {ShuffleSink.BucketColumn} " +
               $"FROM {input} ASOF LEFT JOIN {bounds} AS glint_bounds ON {input}.{k} >= glint_bounds.lo";
    }

    public override string Describe() => $"range bucket by {Key} over boundaries sampled by {Sample}";
}
