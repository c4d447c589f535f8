using System.Collections.Immutable;
using Glint.Common;

namespace Glint.Storage.Databases;

/// <summary>A resolved database source: where it is, what it reads (a table or a query), its columns and how it is split.</summary>
/// <param name="Relation">the FROM item in the database's SQL: a quoted table name or a parenthesised query</param>
/// <param name="Name">what Explain and messages call it</param>
public sealed record DatabaseSource(
    DatabaseConnection Connection,
    string Relation,
    string Name,
    ImmutableArray<DatabaseColumn> Columns,
    DatabaseReadOptions Options,
    long EstimatedBytes)
{
    public Schema Schema => Schema.Of(Columns.Select(c => new Column(c.Name, c.Type)));

    /// <summary>Rows a job bookmark has not seen yet; null reads every row.</summary>
    public KeyWindow? Window { get; init; }

    /// <summary>Set when the source is a catalog table read by name.</summary>
    public Storage.CatalogScan? Catalog { get; init; }

    public override string ToString() =>
        $"{Connection.Kind.ToString().ToLowerInvariant()} {Name} at {Connection.Redacted}" + (Catalog is null ? "" : $" ({Catalog})");
}

/// <summary>
/// The rows of a bookmarked database source that a run reads: past <paramref name="After"/> (the key values the
/// bookmark last committed; null on the first run) and up to <paramref name="UpTo"/> (the last key when the run
/// was planned, so rows inserted while it runs wait for the next run instead of being half read).
/// </summary>
public sealed record KeyWindow(ImmutableArray<string> Keys, bool Descending, ImmutableArray<string?>? After, ImmutableArray<string?>? UpTo)
{
    /// <summary>The condition in the database's SQL; "false" when the table has no rows at all.</summary>
    public string Condition(DatabaseDialect dialect)
    {
        if (UpTo is null) return "1 = 0";
        var keys = Keys.Length == 1 ? dialect.Quote(Keys[0]) : $"({string.Join(", ", Keys.Select(dialect.Quote))})";
        string Tuple(ImmutableArray<string?> values) =>
            values.Length == 1 ? dialect.Literal(values[0]) : $"({string.Join(", ", values.Select(dialect.Literal))})";
        var (past, notBeyond) = Descending ? ("<", ">=") : (">", "<=");
        var upTo = $"{keys} {notBeyond} {Tuple(UpTo.Value)}";
        return After is { } after ? $"{keys} {past} {Tuple(after)} AND {upTo}" : upTo;
    }

    public override string ToString() =>
        $"{string.Join(", ", Keys)} {(After is null ? "from the start" : $"after {string.Join(", ", After.Value)}")}" +
        (UpTo is null ? " (table empty)" : $" up to {string.Join(", ", UpTo.Value)}");
}
