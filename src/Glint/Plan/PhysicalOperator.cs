using System.Collections.Immutable;
using Glint.Common;

namespace Glint.Plan;

/// <summary>A step of a stage's pipeline. Knows the SQL that computes it over its input relation.</summary>
public abstract record PhysicalOperator
{
    /// <summary>A SELECT computing this step over the relation named <paramref name="input"/>.</summary>
    public abstract string Render(string input);
    public abstract string Describe();
}

public sealed record FilterOp(string Condition) : PhysicalOperator
{
    public override string Render(string input) => $"SELECT * FROM {input} WHERE ({Condition})";
    public override string Describe() => $"filter {Condition}";
}

public sealed record ProjectOp(ImmutableArray<string> Expressions) : PhysicalOperator
{
    public override string Render(string input) => $"SELECT {string.Join(", ", Expressions)} FROM {input}";
    public override string Describe() => $"project {string.Join(", ", Expressions)}";
}

public sealed record WithColumnOp(string Name, string Expression, bool Replaces) : PhysicalOperator
{
    public override string Render(string input) => Replaces
        ? $"SELECT * REPLACE (({Expression}) AS {Sql.Ident(Name)}) FROM {input}"
        : $"SELECT *, ({Expression}) AS {Sql.Ident(Name)} FROM {input}";
    public override string Describe() => $"with_column {Name} = {Expression}";
}

/// <summary>A user's SQL over <c>input</c>; its own WITH clauses stay inside the subquery.</summary>
public sealed record MapSqlOp(string Query) : PhysicalOperator
{
    public override string Render(string input) => $"WITH input AS (SELECT * FROM {input}) SELECT * FROM ({Query})";
    public override string Describe() => $"map_sql {Query.ReplaceLineEndings(" ")}";
}

/// <summary>Casts and renames one union branch to the union's schema.</summary>
public sealed record ConformOp(Schema From, Schema To) : PhysicalOperator
{
    public override string Render(string input) =>
        "SELECT " + string.Join(", ", From.Columns.Zip(To.Columns, (f, t) =>
            f.Type == t.Type ? $"{Sql.Ident(f.Name)} AS {Sql.Ident(t.Name)}" : $"CAST({Sql.Ident(f.Name)} AS {t.Type}) AS {Sql.Ident(t.Name)}"))
        + $" FROM {input}";
    public override string Describe() => "conform to union schema";
}

public sealed record LimitOp(long Count, long Offset = 0) : PhysicalOperator
{
    public override string Render(string input) => $"SELECT * FROM {input} LIMIT {Count}" + (Offset == 0 ? "" : $" OFFSET {Offset}");
    public override string Describe() => $"limit {Count}" + (Offset == 0 ? "" : $" offset {Offset}");
}

/// <summary>Fails the task when a partition column's value could not name a folder safely.</summary>
public sealed record PartitionValueCheckOp(ImmutableArray<string> Columns) : PhysicalOperator
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

/// <summary>Aggregates per group: the partial step before a shuffle, the final step after it, or the whole of a full-shuffle aggregate.</summary>
public sealed record AggregateOp(string Step, ImmutableArray<string> Keys, ImmutableArray<string> Columns) : PhysicalOperator
{
    public override string Render(string input) =>
        $"SELECT {string.Join(", ", Columns)} FROM {input}" + (Keys.IsEmpty ? "" : $" GROUP BY {Sql.SelectList(Keys)}");
    public override string Describe() => $"{Step} aggregate by [{string.Join(", ", Keys)}]";
}

/// <summary>Removes duplicate rows, or keeps one row per key (DISTINCT ON).</summary>
public sealed record DistinctOp(ImmutableArray<string> Keys) : PhysicalOperator
{
    public override string Render(string input) =>
        Keys.IsEmpty ? $"SELECT DISTINCT * FROM {input}" : $"SELECT DISTINCT ON ({Sql.SelectList(Keys)}) * FROM {input}";
    public override string Describe() => Keys.IsEmpty ? "distinct" : $"one row per [{string.Join(", ", Keys)}]";
}

/// <summary>An operator that reads, whole, what an earlier stage wrote to scratch (as the relation <see cref="Relation"/>).</summary>
public interface IReadsStage
{
    StageId Source { get; }
    Schema SourceSchema { get; }
    string Relation { get; }
}

/// <summary>Joins each task's rows with the whole of a small side that an earlier stage wrote to scratch.</summary>
/// <param name="BuildIsLeft">the broadcast side is the join's left input (for right joins)</param>
public sealed record BroadcastJoinOp(StageId Build, Schema BuildSchema, Schema ProbeSchema, JoinType Type, ImmutableArray<string> Keys,
    string? Residual, bool BuildIsLeft)
    : PhysicalOperator, IReadsStage
{
    public string Relation => $"broadcast_{Build}";
    public StageId Source => Build;
    public Schema SourceSchema => BuildSchema;

    public override string Render(string input) => BuildIsLeft
        ? JoinNode.Render(Type, Keys, Residual, BuildSchema, ProbeSchema, Relation, input)
        : JoinNode.Render(Type, Keys, Residual, ProbeSchema, BuildSchema, input, Relation);
    public override string Describe() => $"broadcast {Type.ToString().ToLowerInvariant()} join with {Build} using [{string.Join(", ", Keys)}]";
}

/// <summary>Adds the bucket column a shuffle's map task partitions its output by.</summary>
public sealed record BucketOp(string Expression) : PhysicalOperator
{
    public override string Render(string input) => $"SELECT *, CAST({Expression} AS INTEGER) AS {ShuffleSink.BucketColumn} FROM {input}";
    public override string Describe() => $"bucket = {Expression}";
}

/// <summary>Window functions over the rows of one bucket (whole partitions, thanks to the shuffle before it).</summary>
public sealed record WindowOp(ImmutableArray<string> Columns) : PhysicalOperator
{
    public override string Render(string input) => $"SELECT *, {string.Join(", ", Columns)} FROM {input}";
    public override string Describe() => $"window {string.Join(", ", Columns)}";
}

/// <summary>Adds the salt column of a salted join: random for the probe side's hot rows, every salt for the copied side's.</summary>
public sealed record SaltOp(string Key, string KeyType, JoinSalt Salt, bool Replicate) : PhysicalOperator
{
    public override string Render(string input)
    {
        var hot = $"coalesce({Sql.Ident(Key)} IN ({string.Join(", ", Salt.HotKeys.Select(v => $"CAST({Sql.Literal(v)} AS {KeyType})"))}), false)";
        return Replicate
            ? $"SELECT *, 0 AS {JoinSalt.Column} FROM {input} WHERE NOT {hot} " +
              $"UNION ALL SELECT {input}.*, salts.range::INTEGER AS {JoinSalt.Column} FROM {input}, range({Salt.Buckets}) AS salts WHERE {hot}"
            : $"SELECT *, CASE WHEN {hot} THEN (random() * {Salt.Buckets})::INTEGER % {Salt.Buckets} ELSE 0 END AS {JoinSalt.Column} FROM {input}";
    }

    public override string Describe() => Replicate ? $"copy hot keys over {Salt.Buckets} salts" : $"salt hot keys over {Salt.Buckets} buckets";
}

/// <summary>Drops a helper column after the step that needed it.</summary>
public sealed record DropColumnOp(string Column) : PhysicalOperator
{
    public override string Render(string input) => $"SELECT * EXCLUDE ({Sql.Ident(Column)}) FROM {input}";
    public override string Describe() => $"drop {Column}";
}

/// <summary>Sorts the rows of one task.</summary>
public sealed record SortOp(ImmutableArray<SortKey> Keys) : PhysicalOperator
{
    public override string Render(string input) => $"SELECT * FROM {input} ORDER BY {string.Join(", ", Keys.Select(k => k.Render()))}";
    public override string Describe() => $"sort by {string.Join(", ", Keys)}";
}

/// <summary>A reservoir sample of the first sort key, from which range boundaries are drawn.</summary>
public sealed record SampleOp(string Column, int Rows) : PhysicalOperator
{
    public override string Render(string input) =>
        $"SELECT {Sql.Ident(Column)} FROM {input} USING SAMPLE reservoir({Rows} ROWS) REPEATABLE (7)";
    public override string Describe() => $"sample {Rows} values of {Column}";
}

/// <summary>
/// Range partitioning: the bucket of a row is the range its first sort key falls in, between boundaries
/// drawn from the sample (quantiles), found with an ASOF join. Equal first keys share a bucket, and
/// buckets follow the sort order, so sorting each bucket gives a total order.
/// </summary>
public sealed record RangeBucketOp(StageId Sample, SortKey Key, string KeyType, int Buckets) : PhysicalOperator, IReadsStage
{
    public StageId Source => Sample;
    public Schema SourceSchema => Schema.Of([new Column(Key.Column, KeyType)]);
    public string Relation => $"sample_{Sample}";

    public override string Render(string input)
    {
        var k = Sql.Ident(Key.Column);
        var fractions = string.Join(", ", Enumerable.Range(1, Buckets - 1).Select(i => ((double)i / Buckets).ToString("R", System.Globalization.CultureInfo.InvariantCulture)));
        var bounds = Buckets == 1
            ? $"(SELECT NULL::{KeyType} AS lo, 0 AS b WHERE false)"
            : $"(SELECT lo, row_number() OVER (ORDER BY lo) AS b FROM (SELECT DISTINCT unnest(quantile_disc({k}, [{fractions}])) AS lo FROM {Relation} WHERE {k} IS NOT NULL) WHERE lo IS NOT NULL)";
        var ascending = $"coalesce(glint_bounds.b, 0)";
        var ordered = Key.Descending ? $"({Buckets - 1} - {ascending})" : ascending;
        var nulls = Key.NullsFirst ? "0" : (Buckets - 1).ToString(System.Globalization.CultureInfo.InvariantCulture);
        return $"SELECT {input}.*, CAST(CASE WHEN {input}.{k} IS NULL THEN {nulls} ELSE {ordered} END AS INTEGER) AS {ShuffleSink.BucketColumn} " +
               $"FROM {input} ASOF LEFT JOIN {bounds} AS glint_bounds ON {input}.{k} >= glint_bounds.lo";
    }

    public override string Describe() => $"range bucket by {Key} over boundaries sampled by {Sample}";
}
