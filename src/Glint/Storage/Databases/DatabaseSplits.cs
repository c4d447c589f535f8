using System.Collections.Immutable;
using System.Globalization;
using Glint.Common;

namespace Glint.Storage.Databases;

/// <summary>One parallel read of a database source: the rows matching <paramref name="Condition"/> (every row when null).</summary>
internal sealed record DatabaseSplit(int Index, string? Condition, string Description);

/// <summary>
/// Splits a database source into non-overlapping reads: hash buckets of a column or an integer expression, or
/// ranges of a column between bounds. Bounds only place the cut points — the first range takes everything below
/// it (and NULLs), the last everything above — so they never leave a row out.
/// </summary>
internal static class DatabaseSplits
{
    public static ImmutableArray<DatabaseSplit> Plan(DatabaseSource source)
    {
        var o = source.Options;
        var dialect = DatabaseDialect.For(source.Connection.Kind);
        if (o.HashField is { } field)
        {
            var column = DatabaseSourceResolver.Require(source, field, "hashfield").Name;
            return [.. Enumerable.Range(0, o.HashPartitions).Select(i => new DatabaseSplit(i, dialect.HashCondition(column, o.HashPartitions, i),
                $"hash({column}) % {o.HashPartitions} = {i}"))];
        }
        if (o.HashExpression is { } expression)
            return [.. Enumerable.Range(0, o.HashPartitions).Select(i => new DatabaseSplit(i, dialect.ExpressionCondition(expression, o.HashPartitions, i),
                $"({expression}) % {o.HashPartitions} = {i}"))];
        if (o.PartitionColumn is not null)
        {
            var (column, cuts) = Bounds(source);
            var quoted = dialect.Quote(column);
            var splits = ImmutableArray.CreateBuilder<DatabaseSplit>();
            for (var i = 0; i <= cuts.Length; i++)
            {
                var below = i < cuts.Length ? $"{quoted} < {dialect.Literal(cuts[i])}" : null;
                var from = i > 0 ? $"{quoted} >= {dialect.Literal(cuts[i - 1])}" : null;
                var condition = (from, below) switch
                {
                    (null, { } b) => $"({b} OR {quoted} IS NULL)",
                    ({ } f, null) => f,
                    ({ } f, { } b) => $"{f} AND {b}",
                    _ => null,
                };
                splits.Add(new DatabaseSplit(i, condition, condition is null ? "all rows" : $"{column} {(from is null ? "" : $">= {cuts[i - 1]} ")}{(below is null ? "" : $"< {cuts[i]}")}".Trim()));
            }
            return splits.ToImmutable();
        }
        return [new DatabaseSplit(0, null, "all rows")];
    }

    /// <summary>The cut points between ranges (one fewer than the ranges), as literals of the column's type.</summary>
    public static (string Column, ImmutableArray<string> Cuts) Bounds(DatabaseSource source)
    {
        var o = source.Options;
        var column = DatabaseSourceResolver.Require(source, o.PartitionColumn!, "partition_column");
        var parts = o.NumPartitions ?? o.HashPartitions;
        if (column.Type is "DATE" or "TIMESTAMP" or "TIMESTAMP WITH TIME ZONE")
        {
            var (low, high) = (Time(o.LowerBound!, "lower_bound"), Time(o.UpperBound!, "upper_bound"));
            if (low >= high) throw Order(o);
            var step = (high - low) / parts;
            var format = column.Type == "DATE" ? "yyyy-MM-dd" : "yyyy-MM-dd HH:mm:ss.ffffff";
            var cuts = Enumerable.Range(1, parts - 1).Select(i => (low + step * i).ToString(format, CultureInfo.InvariantCulture)).Distinct();
            return (column.Name, [.. cuts]);
        }
        var (lower, upper) = (Number(o.LowerBound!, "lower_bound"), Number(o.UpperBound!, "upper_bound"));
        if (lower >= upper) throw Order(o);
        var integral = column.Type is "SMALLINT" or "INTEGER" or "BIGINT";
        var stride = (upper - lower) / parts;
        var points = Enumerable.Range(1, parts - 1).Select(i => lower + stride * i).Select(p => integral ? Math.Ceiling(p) : p)
            .Where(p => p > lower && p <= upper).Distinct();
        return (column.Name, [.. points.Select(p => p.ToString(CultureInfo.InvariantCulture))]);
    }

    private static ConfigException Order(DatabaseReadOptions o) =>
        new("lower_bound", $"lower_bound {o.LowerBound} must be below upper_bound {o.UpperBound}");

    private static decimal Number(string text, string option) =>
        decimal.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var value)
            ? value
            : throw new ConfigException(option, $"{option} '{text}' is not a number");

    private static DateTime Time(string text, string option) =>
        DateTime.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AdjustToUniversal | DateTimeStyles.AssumeUniversal, out var value)
            ? value
            : throw new ConfigException(option, $"{option} '{text}' is not a date or timestamp");

    /// <summary>
    /// The source reading only <paramref name="used"/> columns (projection pushdown into the database's statement);
    /// the columns that split it stay, since the splits name them.
    /// </summary>
    public static DatabaseSource Narrowed(DatabaseSource source, IEnumerable<string> used)
    {
        var keep = new HashSet<string>(used, StringComparer.OrdinalIgnoreCase);
        foreach (var column in new[] { source.Options.HashField, source.Options.PartitionColumn }.OfType<string>()) keep.Add(column);
        return source with { Columns = [.. source.Columns.Where(c => keep.Contains(c.Name))] };
    }

    /// <summary>The statement a task sends to the database for one split.</summary>
    public static string Select(DatabaseSource source, DatabaseSplit split)
    {
        var dialect = DatabaseDialect.For(source.Connection.Kind);
        var conditions = new[] { split.Condition, source.Window?.Condition(dialect) }.OfType<string>().ToList();
        return $"SELECT {string.Join(", ", source.Columns.Select(dialect.Read))} FROM {source.Relation} AS glint_src" +
               (conditions.Count == 0 ? "" : " WHERE " + string.Join(" AND ", conditions.Select(c => $"({c})")));
    }
}
