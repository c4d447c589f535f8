using System.Collections.Immutable;

namespace Glint.Common;

/// <summary>One column of a relation: its name and DuckDB type.</summary>
public sealed record Column(string Name, string Type)
{
    public override string ToString() => $"{Name} {Type}";
}

/// <summary>The ordered columns of a relation.</summary>
public sealed record Schema(ImmutableArray<Column> Columns)
{
    public static Schema Of(IEnumerable<Column> columns) => new(columns.ToImmutableArray());

    public IEnumerable<string> Names => Columns.Select(c => c.Name);

    public Column? Find(string name) =>
        Columns.FirstOrDefault(c => string.Equals(c.Name, name, StringComparison.OrdinalIgnoreCase));

    public Column Require(string name, string context) =>
        Find(name) ?? throw new PlanException(
            $"{context}: column '{name}' does not exist; available columns: {string.Join(", ", Names)}", name);

    public bool Equals(Schema? other) => other is not null && Columns.SequenceEqual(other.Columns);
    public override int GetHashCode() => Columns.Aggregate(17, (h, c) => h * 31 + c.GetHashCode());
    public override string ToString() => string.Join(", ", Columns);
}
