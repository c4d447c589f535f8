using System.Collections.Immutable;
using Glint.Common;

namespace Glint.Plan;

// Operators that work row by row or on one task's rows alone: filters, projections, casts, limits, checks.

internal sealed record FilterOp(string Condition) : PhysicalOperator
{
    public override string Render(string input) => $"SELECT * FROM {input} WHERE ({Condition})";
    public override string Describe() => $"filter {Condition}";
}

internal sealed record ProjectOp(ImmutableArray<string> Expressions) : PhysicalOperator
{
    public override string Render(string input) => $"SELECT {string.Join(", ", Expressions)} FROM {input}";
    public override string Describe() => $"project {string.Join(", ", Expressions)}";
}

internal sealed record WithColumnOp(string Name, string Expression, bool Replaces) : PhysicalOperator
{
    public override string Render(string input) => Replaces
        ? $"SELECT * REPLACE (({Expression}) AS {Sql.Ident(Name)}) FROM {input}"
        : $"SELECT *, ({Expression}) AS {Sql.Ident(Name)} FROM {input}";
    public override string Describe() => $"with_column {Name} = {Expression}";
}

/// <summary>A user's SQL over <c>input</c>; its own WITH clauses stay inside the subquery.</summary>
internal sealed record MapSqlOp(string Query) : PhysicalOperator
{
    public override string Render(string input) => $"WITH input AS (SELECT * FROM {input}) SELECT * FROM ({Query})";
    public override string Describe() => $"map_sql {Query.ReplaceLineEndings(" ")}";
}

/// <summary>Casts and renames one union branch to the union's schema.</summary>
internal sealed record ConformOp(Schema From, Schema To) : PhysicalOperator
{
    public override string Render(string input) =>
        "SELECT " + string.Join(", ", From.Columns.Zip(To.Columns, (f, t) =>
            f.Type == t.Type ? $"{Sql.Ident(f.Name)} AS {Sql.Ident(t.Name)}" : $"CAST({Sql.Ident(f.Name)} AS {t.Type}) AS {Sql.Ident(t.Name)}"))
        + $" FROM {input}";
    public override string Describe() => "conform to union schema";
}

internal sealed record LimitOp(long Count, long Offset = 0) : PhysicalOperator
{
    public override string Render(string input) => $"SELECT * FROM {input} LIMIT {Count}" + (Offset == 0 ? "" : $" OFFSET {Offset}");
    public override string Describe() => $"limit {Count}" + (Offset == 0 ? "" : $" offset {Offset}");
}

/// <summary>Fails the task when a partition column's value could not name a folder safely.</summary>
internal sealed record PartitionValueCheckOp(ImmutableArray<string> Columns) : PhysicalOperator
{
    public const string ErrorPrefix = "Glint partition value";

    public override string Render(string input)
    {
        var checks = Columns.Select(c =>
        {
            var v = $"CAST({Sql.Ident(c)} AS VARCHAR)";
            var message = $"{ErrorPrefix}: column {c.Replace("'", "''")} has value ''' || {v} || ''' which contains ''/'', ''\\'' or ''..''; it cannot name a partition folder";
            return $"CASE WHEN contains({v}, '/') OR contains({v}, '\\') OR contains({v}, '..') THEN error('{message}') ELSE true END";
        });
        return $"SELECT * FROM {input} WHERE {string.Join(" AND ", checks)}";
    }

    public override string Describe() => $"check partition values of {string.Join(", ", Columns)}";
}

/// <summary>Drops a helper column after the step that needed it.</summary>
internal sealed record DropColumnOp(string Column) : PhysicalOperator
{
    public override string Render(string input) => $"SELECT * EXCLUDE ({Sql.Ident(Column)}) FROM {input}";
    public override string Describe() => $"drop {Column}";
}
