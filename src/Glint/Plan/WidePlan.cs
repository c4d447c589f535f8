using System.Collections.Immutable;
using Glint.Common;

namespace Glint.Plan;

/// <summary>How an aggregate splits around the shuffle: partial aggregates per map task, final ones per bucket.</summary>
/// <param name="PartialColumns">map side: key columns, then each partial aggregate AS its column name</param>
/// <param name="FinalColumns">reduce side: key columns, then each final expression AS the user's name</param>
/// <param name="CombineColumns">middle step of a salted aggregation: key columns, then partial columns merged into partial columns</param>
internal sealed record AggregateSplit(ImmutableArray<string> PartialColumns, ImmutableArray<string> FinalColumns, ImmutableArray<string> CombineColumns);

/// <summary>Groups rows by key columns and computes aggregates; with no keys, one row over everything.</summary>
/// <param name="Split">the partial/final form when every aggregate is decomposable; null means every row is shuffled</param>
internal sealed record AggregateNode(LogicalNode Input, ImmutableArray<string> Keys, ImmutableArray<string> Aggregates, Schema Output, AggregateSplit? Split)
    : LogicalNode
{
    /// <summary>Random buckets a hot key's partial rows are spread over before the final shuffle (two-step aggregation).</summary>
    public int? Salt { get; init; }

    public override Schema Schema => Output;
    public override IEnumerable<LogicalNode> Children => [Input];
    public override string Describe() =>
        $"Aggregate by [{string.Join(", ", Keys)}]: {string.Join(", ", Aggregates)}" + (Split is null ? " (full shuffle)" : " (partial, then final)") +
        (Salt is null ? "" : $" (salted over {Salt} buckets)");
}

/// <summary>Distinct rows, or one row per distinct value of <paramref name="Keys"/> (Spark's dropDuplicates).</summary>
internal sealed record DistinctNode(LogicalNode Input, ImmutableArray<string> Keys) : LogicalNode
{
    public override Schema Schema => Input.Schema;
    public override IEnumerable<LogicalNode> Children => [Input];
    public override string Describe() => Keys.IsEmpty ? "Distinct" : $"DropDuplicates [{string.Join(", ", Keys)}]";
}

/// <summary>Fewer tasks without a shuffle: neighbouring input splits are read by one task.</summary>
internal sealed record CoalesceNode(LogicalNode Input, int Partitions) : LogicalNode
{
    public override Schema Schema => Input.Schema;
    public override IEnumerable<LogicalNode> Children => [Input];
    public override string Describe() => $"Coalesce to {Partitions}";
}

/// <summary>Redistributes rows into a number of partitions: by a hash of key columns, or round-robin without keys.</summary>
internal sealed record RepartitionNode(LogicalNode Input, int Partitions, ImmutableArray<string> Keys) : LogicalNode
{
    public override Schema Schema => Input.Schema;
    public override IEnumerable<LogicalNode> Children => [Input];
    public override string Describe() =>
        $"Repartition into {Partitions}" + (Keys.IsEmpty ? " (round-robin)" : $" by hash of [{string.Join(", ", Keys)}]");
}

/// <summary>Adds window-function columns; rows are shuffled by the PARTITION BY columns all the windows share.</summary>
/// <param name="Keys">columns in every window's PARTITION BY; empty means one task sees all rows</param>
internal sealed record WindowNode(LogicalNode Input, ImmutableArray<string> Columns, ImmutableArray<string> Keys, Schema Output) : LogicalNode
{
    public override Schema Schema => Output;
    public override IEnumerable<LogicalNode> Children => [Input];
    public override string Describe() =>
        $"Window {string.Join(", ", Columns)}" + (Keys.IsEmpty
            ? " — WARNING: no PARTITION BY column common to every window, so all rows go to one task"
            : $" (shuffled by [{string.Join(", ", Keys)}])");
}

/// <summary>
/// Salting for a shuffle join with a hot key: left rows holding a hot value get a random salt in
/// [0, Buckets), right rows holding it are copied once per salt, and both sides shuffle by (key, salt).
/// </summary>
/// <param name="HotKeys">the hot values of the single join key, as text (cast to the key's type)</param>
internal sealed record JoinSalt(int Buckets, ImmutableArray<string> HotKeys)
{
    public const string Column = "glint_salt";
}

/// <summary>One sort key: a column, its direction and where NULLs go.</summary>
internal sealed record SortKey(string Column, bool Descending, bool NullsFirst)
{
    public string Render() => $"{Sql.Ident(Column)} {(Descending ? "DESC" : "ASC")} NULLS {(NullsFirst ? "FIRST" : "LAST")}";
    public override string ToString() => Render();
}

/// <summary>A total order across partitions (range-partitioned by sampled boundaries), or within each partition only.</summary>
internal sealed record SortNode(LogicalNode Input, ImmutableArray<SortKey> Keys, bool Global) : LogicalNode
{
    public override Schema Schema => Input.Schema;
    public override IEnumerable<LogicalNode> Children => [Input];
    public override string Describe() => $"{(Global ? "OrderBy" : "SortWithinPartitions")} {string.Join(", ", Keys)}";
}

/// <summary>The join types Glint plans.</summary>
public enum JoinType { Inner, Left, Right, Full, Semi, Anti }

internal static class JoinTypes
{
    public static JoinType Parse(string how) => how.Trim().ToLowerInvariant().Replace("_", "").Replace("outer", "") switch
    {
        "inner" => JoinType.Inner,
        "left" => JoinType.Left,
        "right" => JoinType.Right,
        "full" => JoinType.Full,
        "semi" or "leftsemi" => JoinType.Semi,
        "anti" or "leftanti" => JoinType.Anti,
        _ => throw new Common.ConfigException("how", $"unknown join type '{how}'; expected inner, left, right, full, semi or anti"),
    };
}

/// <summary>An equi-join on key columns present on both sides (output has each key once, as SQL's USING), with an optional residual condition.</summary>
internal sealed record JoinNode(LogicalNode Left, LogicalNode Right, JoinType Type, ImmutableArray<string> Keys, bool BroadcastHint, Schema Output)
    : LogicalNode
{
    /// <summary>Spreads rows of known hot key values over several buckets in a shuffle join.</summary>
    public JoinSalt? Salt { get; init; }

    /// <summary>An extra condition on matching rows (columns of the sides as l.col and r.col, or unqualified when unique).</summary>
    public string? Residual { get; init; }

    public override Schema Schema => Output;
    public override IEnumerable<LogicalNode> Children => [Left, Right];
    public override string Describe() =>
        $"Join {Type.ToString().ToLowerInvariant()} using [{string.Join(", ", Keys)}]" + (Residual is null ? "" : $" and {Residual}") +
        (BroadcastHint ? " (broadcast hint)" : "") +
        (Salt is null ? "" : $" (salted: {Salt.HotKeys.Length} hot key value(s) over {Salt.Buckets} buckets)");
}
