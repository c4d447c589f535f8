using System.Collections.Immutable;
using System.Globalization;
using Glint.Common;

namespace Glint.Storage.Databases;

/// <summary>
/// How a database source is read (Glue's JDBC connection options): a table or a query, and how it is split
/// into parallel reads — by hashing a column (<c>hashfield</c>) or an integer expression (<c>hashexpression</c>)
/// into <c>hashpartitions</c>, or by ranges of a numeric or date column between bounds. Without any, one task reads it all.
/// </summary>
public sealed record DatabaseReadOptions
{
    public string? Table { get; init; }
    public string? Query { get; init; }
    public string? HashField { get; init; }
    public string? HashExpression { get; init; }
    public int HashPartitions { get; init; } = 7;
    public string? PartitionColumn { get; init; }
    public string? LowerBound { get; init; }
    public string? UpperBound { get; init; }
    public int? NumPartitions { get; init; }
    /// <summary>Columns whose values only grow (or only shrink): a job bookmark reads the rows past the last value it saw.</summary>
    public ImmutableArray<string> BookmarkKeys { get; init; } = [];
    public bool BookmarkDescending { get; init; }

    public static readonly ImmutableArray<string> Keys =
    [
        "dbtable", "query", "hashfield", "hashexpression", "hashpartitions", "partition_column", "lower_bound", "upper_bound",
        "num_partitions", "bookmark_keys", "bookmark_keys_sort_order",
    ];

    public static DatabaseReadOptions From(IReadOnlyDictionary<string, string> options)
    {
        var o = new DatabaseReadOptions();
        foreach (var (key, value) in options)
        {
            o = key.ToLowerInvariant() switch
            {
                "dbtable" or "table" => o with { Table = value.Trim() },
                "query" => o with { Query = value.Trim() },
                "hashfield" => o with { HashField = value.Trim() },
                "hashexpression" => o with { HashExpression = value.Trim() },
                "hashpartitions" => o with { HashPartitions = Count(key, value) },
                "partition_column" => o with { PartitionColumn = value.Trim() },
                "lower_bound" => o with { LowerBound = value.Trim() },
                "upper_bound" => o with { UpperBound = value.Trim() },
                "num_partitions" => o with { NumPartitions = Count(key, value) },
                "bookmark_keys" => o with { BookmarkKeys = [.. value.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)] },
                "bookmark_keys_sort_order" => o with
                {
                    BookmarkDescending = value.Trim().ToLowerInvariant() switch
                    {
                        "asc" => false,
                        "desc" => true,
                        _ => throw new ConfigException(key, $"option 'bookmark_keys_sort_order' must be asc or desc, not '{value}'"),
                    },
                },
                _ => throw new ConfigException(key, $"unknown database read option '{key}'; known options: {string.Join(", ", Keys)}"),
            };
        }
        o.Check();
        return o;
    }

    private void Check()
    {
        if ((Table is null) == (Query is null))
            throw new ConfigException("dbtable", "a database source needs exactly one of 'dbtable' (a table or view) and 'query' (a SELECT)");
        var splitters = new[] { HashField is not null, HashExpression is not null, PartitionColumn is not null }.Count(x => x);
        if (splitters > 1)
            throw new ConfigException("hashfield", "give one way to split a database read: hashfield, hashexpression, or partition_column with bounds");
        if (PartitionColumn is not null && (LowerBound is null || UpperBound is null))
            throw new ConfigException("lower_bound", $"partition_column '{PartitionColumn}' needs lower_bound and upper_bound");
        if (PartitionColumn is null && (LowerBound is not null || UpperBound is not null))
            throw new ConfigException("partition_column", "lower_bound and upper_bound need partition_column");
    }

    private static int Count(string key, string value) =>
        int.TryParse(value, NumberStyles.Integer, CultureInfo.InvariantCulture, out var n) && n is >= 1 and <= 10_000
            ? n
            : throw new ConfigException(key, $"option '{key}' must be a whole number from 1 to 10000, not '{value}'");
}
