using System.Collections.Immutable;
using Glint.Common;
using Glint.Storage;

namespace Glint.Plan;

/// <summary>A node of the logical plan: what to compute, with its output schema already checked. Holds no execution state.</summary>
public abstract record LogicalNode
{
    public abstract Schema Schema { get; }
    public abstract IEnumerable<LogicalNode> Children { get; }
    /// <summary>One line for Explain.</summary>
    public abstract string Describe();
}

/// <summary>Reads a file source.</summary>
internal sealed record ScanNode(FileSource Source) : LogicalNode
{
    public override Schema Schema => Source.Schema;
    public override IEnumerable<LogicalNode> Children => [];
    public override string Describe() =>
        $"Scan {Source} ({Source.Files.Length} {(Source.Catalog is { Unlisted: true } ? "partition folders" : "files")}, {Bytes.Format(Source.TotalBytes)})" +
        (Source.PartitionColumns.IsEmpty ? "" : $" partitions: {string.Join(", ", Source.PartitionColumns)}");
}

/// <summary>Reads a table or query of a relational database.</summary>
internal sealed record DatabaseScanNode(Storage.Databases.DatabaseSource Source) : LogicalNode
{
    public override Schema Schema => Source.Schema;
    public override IEnumerable<LogicalNode> Children => [];
    public override string Describe() => $"Scan {Source}" + (Source.Window is { } w ? $" bookmark: {w}" : "");
}

/// <summary>Keeps the rows for which a SQL condition is true.</summary>
internal sealed record FilterNode(LogicalNode Input, string Condition) : LogicalNode
{
    public override Schema Schema => Input.Schema;
    public override IEnumerable<LogicalNode> Children => [Input];
    public override string Describe() => $"Filter {Condition}";
}

/// <summary>Computes a new list of columns from SQL expressions.</summary>
internal sealed record ProjectNode(LogicalNode Input, ImmutableArray<string> Expressions, Schema Output) : LogicalNode
{
    public override Schema Schema => Output;
    public override IEnumerable<LogicalNode> Children => [Input];
    public override string Describe() => $"Select {string.Join(", ", Expressions)}";
}

/// <summary>Adds a column, or replaces one of the same name, computed from a SQL expression.</summary>
internal sealed record WithColumnNode(LogicalNode Input, string Name, string Expression, Schema Output) : LogicalNode
{
    public override Schema Schema => Output;
    public override IEnumerable<LogicalNode> Children => [Input];
    public override string Describe() => $"WithColumn {Name} = {Expression}";
}

/// <summary>A SQL query over the relation <c>input</c>, run on each partition separately.</summary>
internal sealed record MapSqlNode(LogicalNode Input, string Query, Schema Output) : LogicalNode
{
    public override Schema Schema => Output;
    public override IEnumerable<LogicalNode> Children => [Input];
    public override string Describe() => $"MapSql {Query.ReplaceLineEndings(" ")}";
}

/// <summary>All rows of its inputs (by position, as Spark's union), typed to a common schema.</summary>
internal sealed record UnionNode(ImmutableArray<LogicalNode> Inputs, Schema Output) : LogicalNode
{
    public override Schema Schema => Output;
    public override IEnumerable<LogicalNode> Children => Inputs;
    public override string Describe() => $"Union ({Inputs.Length} inputs)";
}

/// <summary>At most <paramref name="Count"/> rows, after skipping <see cref="Offset"/> rows.</summary>
internal sealed record LimitNode(LogicalNode Input, long Count) : LogicalNode
{
    /// <summary>The largest LIMIT and OFFSET DuckDB takes (2^62); no input has more rows, so larger values mean the same.</summary>
    public const long Unbounded = long.MaxValue / 4;

    public long Count { get; init; } = Math.Min(Count, Unbounded);
    public long Offset { get; init => field = Math.Min(value, Unbounded); }

    /// <summary>Rows each task must keep for the final limit: count + offset, never past <see cref="Unbounded"/>.</summary>
    public long Kept => Math.Min(Unbounded, Count + Offset);
    public override Schema Schema => Input.Schema;
    public override IEnumerable<LogicalNode> Children => [Input];
    public override string Describe() => $"Limit {Count}" + (Offset == 0 ? "" : $" offset {Offset}");
}
