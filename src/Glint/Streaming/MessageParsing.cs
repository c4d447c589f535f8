using System.Collections.Immutable;
using Glint.Common;
using Glint.Storage;

namespace Glint.Streaming;

/// <summary>
/// The SQL that turns envelopes into rows of the declared schema and names why a message cannot be one: a payload that
/// is not UTF-8, not JSON (or a CSV line with the wrong number of fields), or a value that does not fit its column's
/// type. Good messages become the stream's rows, with their metadata; the others, dead letters with their reason.
/// </summary>
internal sealed class MessageParsing(ImmutableArray<Column> columns, FileFormat format, string delimiter)
{
    /// <summary>The metadata columns every stream row has, after the schema's.</summary>
    public static readonly ImmutableArray<string> Metadata = ["_partition", "_subject", "_sequence", "_timestamp", "_headers"];

    /// <summary>The envelopes with <c>_reason</c> (null for a good message) and the value text of each column, for <c>map_sql</c>.</summary>
    public string Checked() => $"""
        SELECT *, {Reason()} AS _reason FROM ({Prepared()})
        """;

    /// <summary>The good messages as rows: each column cast to its type, then the metadata.</summary>
    public string Rows() =>
        $"SELECT {string.Join(", ", columns.Select(c => $"TRY_CAST({Value(c)} AS {c.Type}) AS {Sql.Ident(c.Name)}"))}, "
        + "_partition, _subject, _sequence, make_timestamp(_ts) AS _timestamp, _headers FROM input WHERE _reason IS NULL";

    /// <summary>The dead letters: where each came from, its bytes (text and base64), and why.</summary>
    public string DeadLetters(string stream, long batch) =>
        $"SELECT {Sql.Literal(stream)} AS stream, _partition AS partition, _subject AS subject, _sequence AS sequence, make_timestamp(_ts) AS timestamp, "
        + "_headers AS headers, _payload AS payload, coalesce(_raw, to_base64(encode(_payload))) AS payload_base64, _reason AS reason, "
        + $"CAST({batch} AS BIGINT) AS batch FROM input WHERE _reason IS NOT NULL";

    /// <summary>
    /// The envelopes with each payload parsed once: a JSON object into a struct of its columns' texts (nested values as
    /// JSON) by one from_json call, which later casts and checks read; a CSV line split into its fields.
    /// </summary>
    private string Prepared()
    {
        if (format == FileFormat.Csv) return $"SELECT *, string_split(_payload, {Sql.Literal(delimiter)}) AS _fields FROM input";
        var structure = "{" + string.Join(",", columns.Select(c => $"\"{c.Name.Replace("\"", "\\\"")}\":\"{(Nested(c) ? "JSON" : "VARCHAR")}\"")) + "}";
        return $"SELECT *, from_json(_json, {Sql.Literal(structure)}) AS _obj FROM "
            + "(SELECT *, CASE WHEN _payload IS NOT NULL AND json_valid(_payload) AND json_type(_payload) = 'OBJECT' THEN _payload END AS _json FROM input)";
    }

    private static bool Nested(Column c) =>
        c.Type.EndsWith(']') || c.Type.StartsWith("STRUCT", StringComparison.OrdinalIgnoreCase) || c.Type.StartsWith("MAP", StringComparison.OrdinalIgnoreCase);

    private string Value(Column c)
    {
        if (format == FileFormat.Csv)
            return $"nullif(trim(_fields[{columns.IndexOf(c) + 1}]), '')";
        return $"struct_extract(_obj, {Sql.Literal(c.Name)})";
    }

    private string Reason()
    {
        var shape = format == FileFormat.Json
            ? "WHEN NOT json_valid(_payload) THEN 'malformed JSON' WHEN json_type(_payload) <> 'OBJECT' THEN 'not a JSON object'"
            : $"WHEN len(_fields) <> {columns.Length} THEN 'has ' || len(_fields) || ' fields, the schema has {columns.Length}'";
        var casts = columns.Select(c =>
            $"WHEN {Value(c)} IS NOT NULL AND TRY_CAST({Value(c)} AS {c.Type}) IS NULL THEN {Sql.Literal($"column '{c.Name}': '")} || CAST({Value(c)} AS VARCHAR) || {Sql.Literal($"' is not {c.Type}")}");
        return $"CASE WHEN _payload IS NULL THEN 'payload is not UTF-8 text' {shape} {string.Join(" ", casts)} END";
    }
}
