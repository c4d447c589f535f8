using System.Collections.Immutable;
using Glint.Common;
using Glint.Common.Options;

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

    /// <summary>Every database read option, declared once: the key list, the parser and the table in docs/databases.md come from here.</summary>
    public static readonly OptionSet<DatabaseReadOptions> Declared = new("option", "database read option",
    [
        new("dbtable", "—", "a table or view: `orders`, `sales.orders`, or already quoted `\"Sales\".\"Orders\"`",
            (o, v) => o with { Table = v.Trimmed }) { Aliases = ["table"] },
        new("query", "—",
            "instead of `dbtable`: one `SELECT` (or `WITH … SELECT`); anything else is refused, and PostgreSQL runs it in a read-only "
            + "transaction, so a data-modifying CTE fails before any task runs",
            (o, v) => o with { Query = v.Trimmed }),
        new("hashfield", "—", "split by hashing this column (any type; NULLs go to split 0) into `hashpartitions` splits",
            (o, v) => o with { HashField = v.Trimmed }),
        new("hashexpression", "—",
            "split by an integer SQL expression in the database's dialect (e.g. `id`, `extract(day from placed)::int`): split *i* holds "
            + "rows where `expression mod hashpartitions = i`",
            (o, v) => o with { HashExpression = v.Trimmed }),
        new("hashpartitions", "`7`", "the number of splits for `hashfield` / `hashexpression` (1–10000)",
            (o, v) => o with { HashPartitions = (int)v.Whole(1, 10_000) }),
        new("partition_column", "—", "split by ranges of a numeric, date or timestamp column …",
            (o, v) => o with { PartitionColumn = v.Trimmed }),
        new("lower_bound", "—", "… cut evenly from this value …", (o, v) => o with { LowerBound = v.Trimmed }),
        new("upper_bound", "—", "… to this one …", (o, v) => o with { UpperBound = v.Trimmed }),
        new("num_partitions", "`hashpartitions`", "… into this many ranges (1–10000)", (o, v) => o with { NumPartitions = (int)v.Whole(1, 10_000) }),
        new("bookmark_keys", "the primary key", "with job bookmarks: columns whose values only grow, comma-separated",
            (o, v) => o with { BookmarkKeys = [.. v.List()] }),
        new("bookmark_keys_sort_order", "`asc`", "`desc` for keys that only shrink",
            (o, v) => o with { BookmarkDescending = v.Choice(("asc", false), ("desc", true)) }),
    ]);

    /// <summary>Every accepted database read option key, names and aliases.</summary>
    public static ImmutableArray<string> Keys => Declared.Keys;

    /// <summary>Builds and checks options from string key/values; unknown keys and contradicting options are errors.</summary>
    public static DatabaseReadOptions From(IReadOnlyDictionary<string, string> options)
    {
        var o = Declared.Apply(new DatabaseReadOptions(), options);
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
}
