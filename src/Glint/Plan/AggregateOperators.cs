using System.Collections.Immutable;
using Glint.Common;

namespace Glint.Plan;

// Operators that combine the rows of a group: aggregates (partial, final, whole), distinct, window functions.

/// <summary>Aggregates per group: the partial step before a shuffle, the final step after it, or the whole of a full-shuffle aggregate.</summary>
internal sealed record AggregateOp(string Step, ImmutableArray<string> Keys, ImmutableArray<string> Columns) : PhysicalOperator
{
    /// <summary>
    /// On a final step: the aggregate in one step over the rows its partial step read (the columns and the input schema),
    /// for when both steps run in one query (a fused exchange), where splitting it would only aggregate twice.
    /// </summary>
    public AggregateWhole? Unsplit { get; init; }

    public override string Render(string input) =>
        $"SELECT {string.Join(", ", Columns)} FROM {input}" + (Keys.IsEmpty ? "" : $" GROUP BY {Sql.SelectList(Keys)}");
    public override string Describe() => $"{Step} aggregate by [{string.Join(", ", Keys)}]";
}

/// <summary>An aggregate in one step: its select list (keys, then the aggregates) and the schema of the rows it reads.</summary>
internal sealed record AggregateWhole(ImmutableArray<string> Columns, Schema Input);

/// <summary>Removes duplicate rows, or keeps one row per key (DISTINCT ON).</summary>
internal sealed record DistinctOp(ImmutableArray<string> Keys) : PhysicalOperator
{
    public override string Render(string input) =>
        Keys.IsEmpty ? $"SELECT DISTINCT * FROM {input}" : $"SELECT DISTINCT ON ({Sql.SelectList(Keys)}) * FROM {input}";
    public override string Describe() => Keys.IsEmpty ? "distinct" : $"one row per [{string.Join(", ", Keys)}]";
}

/// <summary>Window functions over the rows of one bucket (whole partitions, thanks to the shuffle before it).</summary>
internal sealed record WindowOp(ImmutableArray<string> Columns) : PhysicalOperator
{
    public override string Render(string input) => $"SELECT *, {string.Join(", ", Columns)} FROM {input}";
    public override string Describe() => $"window {string.Join(", ", Columns)}";
}
