using System.Text.RegularExpressions;

namespace Glint.Web.Glue;

/// <summary>
/// Column types both ways between Glue (Hive's names: <c>string</c>, <c>bigint</c>, <c>decimal(10,2)</c>, <c>array&lt;int&gt;</c>,
/// <c>struct&lt;a:int,b:string&gt;</c>, <c>map&lt;string,int&gt;</c>) and the DuckDB types Glint's catalog keeps.
/// </summary>
internal static partial class GlueTypes
{
    [GeneratedRegex(@"^(decimal|numeric)\s*\(\s*(\d+)\s*(?:,\s*(\d+)\s*)?\)$")]
    private static partial Regex Decimal();

    [GeneratedRegex(@"^(char|varchar)\s*\(\s*\d+\s*\)$")]
    private static partial Regex SizedText();

    /// <summary>The DuckDB type of a Glue type; an unknown one is an InvalidInputException naming <paramref name="column"/>.</summary>
    public static string ToDuckDb(string glue, string column)
    {
        var t = glue.Trim().ToLowerInvariant();
        if (Decimal().Match(t) is { Success: true } d) return $"DECIMAL({d.Groups[2].Value},{(d.Groups[3].Success ? d.Groups[3].Value : "0")})";
        if (SizedText().IsMatch(t)) return "VARCHAR";
        if (Inner(t, "array") is { } element) return ToDuckDb(element, column) + "[]";
        if (Inner(t, "map") is { } kv && Split(kv) is [var k, var v]) return $"MAP({ToDuckDb(k, column)}, {ToDuckDb(v, column)})";
        if (Inner(t, "struct") is { } fields)
            return "STRUCT(" + string.Join(", ", Split(fields).Select(f =>
            {
                var colon = f.IndexOf(':');
                if (colon <= 0) throw GlueError.Invalid($"column {column}: struct field '{f}' must be name:type");
                return $"{Field(f[..colon].Trim().Trim('`'))} {ToDuckDb(f[(colon + 1)..], column)}";
            })) + ")";
        return t switch
        {
            "string" or "char" or "varchar" => "VARCHAR",
            "tinyint" => "TINYINT",
            "smallint" => "SMALLINT",
            "int" or "integer" => "INTEGER",
            "bigint" => "BIGINT",
            "float" => "FLOAT",
            "double" => "DOUBLE",
            "boolean" => "BOOLEAN",
            "date" => "DATE",
            "timestamp" => "TIMESTAMP",
            "binary" => "BLOB",
            "decimal" => "DECIMAL(10,0)",
            "interval" => "INTERVAL",
            _ => throw GlueError.Invalid($"column {column}: '{glue}' is not a Glue column type (string, int, bigint, double, decimal(p,s), date, timestamp, array<…>, struct<…>, map<…> …)"),
        };
    }

    /// <summary>The Glue type of a DuckDB type; a type Glue has no name for is written as string.</summary>
    public static string ToGlue(string duckdb)
    {
        var t = duckdb.Trim();
        var upper = t.ToUpperInvariant();
        if (upper.EndsWith("[]", StringComparison.Ordinal)) return $"array<{ToGlue(t[..^2])}>";
        if (Decimal().Match(upper.ToLowerInvariant()) is { Success: true } d) return $"decimal({d.Groups[2].Value},{(d.Groups[3].Success ? d.Groups[3].Value : "0")})";
        if (Call(t, "MAP") is { } kv && Split(kv) is [var k, var v]) return $"map<{ToGlue(k)},{ToGlue(v)}>";
        if (Call(t, "STRUCT") is { } fields)
            return "struct<" + string.Join(",", Split(fields).Select(f =>
            {
                var (name, type) = FieldOf(f.Trim());
                return $"{name}:{ToGlue(type)}";
            })) + ">";
        return upper switch
        {
            "BIGINT" or "INT8" or "LONG" or "UINTEGER" => "bigint",
            "INTEGER" or "INT" or "INT4" or "USMALLINT" => "int",
            "SMALLINT" or "INT2" or "UTINYINT" => "smallint",
            "TINYINT" or "INT1" => "tinyint",
            "HUGEINT" => "decimal(38,0)",
            "UBIGINT" => "decimal(20,0)",
            "DOUBLE" or "FLOAT8" => "double",
            "FLOAT" or "REAL" or "FLOAT4" => "float",
            "BOOLEAN" or "BOOL" => "boolean",
            "DATE" => "date",
            "BLOB" or "BYTEA" => "binary",
            "INTERVAL" => "interval",
            _ when upper.StartsWith("TIMESTAMP", StringComparison.Ordinal) => "timestamp",
            _ => "string",
        };
    }

    private static string Field(string name) => Regex.IsMatch(name, "^[A-Za-z_][A-Za-z0-9_]*$") ? name : Common.Sql.Ident(name);

    private static (string Name, string Type) FieldOf(string field)
    {
        if (field.StartsWith('"'))
        {
            var end = field.IndexOf('"', 1);
            return (field[1..end], field[(end + 1)..]);
        }
        var space = field.IndexOf(' ');
        return (field[..space], field[(space + 1)..]);
    }

    /// <summary>What is inside <c>name&lt;…&gt;</c>, or null.</summary>
    private static string? Inner(string type, string name) =>
        type.StartsWith(name + "<", StringComparison.Ordinal) && type.EndsWith('>') ? type[(name.Length + 1)..^1] : null;

    /// <summary>What is inside <c>NAME(…)</c>, or null.</summary>
    private static string? Call(string type, string name) =>
        type.StartsWith(name + "(", StringComparison.OrdinalIgnoreCase) && type.EndsWith(')') ? type[(name.Length + 1)..^1] : null;

    /// <summary>Splits at commas outside brackets and quotes.</summary>
    private static List<string> Split(string list)
    {
        var parts = new List<string>();
        var (depth, start, quoted) = (0, 0, false);
        for (var i = 0; i < list.Length; i++)
        {
            var c = list[i];
            if (c == '"') quoted = !quoted;
            else if (!quoted && c is '<' or '(') depth++;
            else if (!quoted && c is '>' or ')') depth--;
            else if (!quoted && c == ',' && depth == 0) { parts.Add(list[start..i].Trim()); start = i + 1; }
        }
        parts.Add(list[start..].Trim());
        return parts;
    }
}
