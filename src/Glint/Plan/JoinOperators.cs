using System.Collections.Immutable;
using Glint.Common;

namespace Glint.Plan;

// Joins: the join SQL every join renders (shuffle reducers, broadcast joins, the binder's typing), broadcast joins, salting.

/// <summary>Joins each task's rows with the whole of a small side that an earlier stage wrote to scratch.</summary>
/// <param name="BuildIsLeft">the broadcast side is the join's left input (for right joins)</param>
internal sealed record BroadcastJoinOp(StageId Build, Schema BuildSchema, Schema ProbeSchema, JoinType Type, ImmutableArray<string> Keys,
    string? Residual, bool BuildIsLeft)
    : PhysicalOperator, IReadsStage
{
    public string Relation => $"broadcast_{Build}";
    public StageId Source => Build;
    public Schema SourceSchema => BuildSchema;

    public override string Render(string input) => BuildIsLeft
        ? JoinSql.Render(Type, Keys, Residual, BuildSchema, ProbeSchema, Relation, input)
        : JoinSql.Render(Type, Keys, Residual, ProbeSchema, BuildSchema, input, Relation);
    public override string Describe() => $"broadcast {Type.ToString().ToLowerInvariant()} join with {Build} using [{string.Join(", ", Keys)}]";
}

/// <summary>Adds the salt column of a salted join: random for the probe side's hot rows, every salt for the copied side's.</summary>
internal sealed record SaltOp(string Key, string KeyType, JoinSalt Salt, bool Replicate) : PhysicalOperator
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

/// <summary>The SQL of an equi-join, the one place it is written.</summary>
public static class JoinSql
{
    /// <summary>
    /// The SELECT joining two relations (aliased l and r). Without a residual it is SQL's USING; with one,
    /// an ON clause and an explicit list: keys first (from the preserved side, coalesced for full joins),
    /// then the left columns, then the right ones.
    /// </summary>
    public static string Render(JoinType type, ImmutableArray<string> keys, string? residual, Schema left, Schema right, string leftRelation, string rightRelation)
    {
        var join = $"{leftRelation} AS l {type.ToString().ToUpperInvariant()} JOIN {rightRelation} AS r";
        if (residual is null) return $"SELECT * FROM {join} USING ({Sql.SelectList(keys)})";
        var on = string.Join(" AND ", keys.Select(k => $"l.{Sql.Ident(k)} = r.{Sql.Ident(k)}")) + $" AND ({residual})";
        if (type is JoinType.Semi or JoinType.Anti) return $"SELECT l.* FROM {join} ON {on}";
        bool IsKey(string c) => keys.Contains(c, StringComparer.OrdinalIgnoreCase);
        var columns = keys.Select(k => type switch
            {
                JoinType.Right => $"r.{Sql.Ident(k)} AS {Sql.Ident(k)}",
                JoinType.Full => $"coalesce(l.{Sql.Ident(k)}, r.{Sql.Ident(k)}) AS {Sql.Ident(k)}",
                _ => $"l.{Sql.Ident(k)} AS {Sql.Ident(k)}",
            })
            .Concat(left.Names.Where(c => !IsKey(c)).Select(c => $"l.{Sql.Ident(c)}"))
            .Concat(right.Names.Where(c => !IsKey(c)).Select(c => $"r.{Sql.Ident(c)}"));
        return $"SELECT {string.Join(", ", columns)} FROM {join} ON {on}";
    }
}
