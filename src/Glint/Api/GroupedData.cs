using System.Collections.Immutable;
using Glint.Plan;

namespace Glint.Api;

/// <summary>A DataFrame grouped by key columns, waiting for its aggregates.</summary>
public sealed class GroupedData(DataFrame frame, ImmutableArray<string> keys)
{
    /// <summary>Aggregate expressions such as "sum(amount) AS total" or "count(DISTINCT customer) AS customers".</summary>
    public DataFrame Agg(params string[] aggregates) =>
        new(frame.Session, AggregateBinder.Bind(frame.Plan, keys, [.. aggregates]));

    /// <summary>Two-step aggregation for hot keys: partial results are spread over <paramref name="saltBuckets"/> random buckets first.</summary>
    public DataFrame Agg(int saltBuckets, params string[] aggregates) =>
        new(frame.Session, AggregateBinder.Salted(AggregateBinder.Bind(frame.Plan, keys, [.. aggregates]), saltBuckets));

    /// <summary>Number of rows per group, as a column named count.</summary>
    public DataFrame Count() => Agg("count(*) AS count");
}
