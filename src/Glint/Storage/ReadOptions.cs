using System.Collections.Immutable;
using Glint.Common;

namespace Glint.Storage;

/// <summary>Options of a file source, validated: CSV dialect, an explicit schema, schema merging.</summary>
public sealed record ReadOptions
{
    public bool Header { get; init; } = true;
    public string Delimiter { get; init; } = ",";
    public string Quote { get; init; } = "\"";
    public string? Escape { get; init; }
    public string? NullValue { get; init; }
    /// <summary>Explicit column list ("id BIGINT, name VARCHAR"); inferred from the files when absent.</summary>
    public string? Schema { get; init; }
    /// <summary>Read every Parquet footer to build the schema instead of the first file's.</summary>
    public bool MergeSchema { get; init; }
    /// <summary>Malformed CSV rows (wrong column count, a value that does not fit its column's type) become error records instead of failing the run.</summary>
    public bool RecordErrors { get; init; }

    public static readonly ImmutableArray<string> Keys = ["header", "delimiter", "sep", "quote", "escape", "null_value", "schema", "merge_schema", "on_error"];

    /// <summary>Builds options from string key/values as the API and job specs give them; unknown keys are errors.</summary>
    public static ReadOptions From(IReadOnlyDictionary<string, string> options)
    {
        var o = new ReadOptions();
        foreach (var (key, value) in options)
        {
            o = key.ToLowerInvariant() switch
            {
                "header" => o with { Header = ParseBool(key, value) },
                "delimiter" or "sep" => o with { Delimiter = OneChar(key, value) },
                "quote" => o with { Quote = OneChar(key, value) },
                "escape" => o with { Escape = OneChar(key, value) },
                "null_value" => o with { NullValue = value },
                "schema" => o with { Schema = value },
                "merge_schema" => o with { MergeSchema = ParseBool(key, value) },
                "on_error" => o with
                {
                    RecordErrors = value.Trim().ToLowerInvariant() switch
                    {
                        "fail" => false,
                        "record" => true,
                        _ => throw new ConfigException(key, $"option 'on_error' must be fail or record, not '{value}'"),
                    },
                },
                _ => throw new ConfigException(key, $"unknown read option '{key}'; known options: {string.Join(", ", Keys)}"),
            };
        }
        return o;
    }

    /// <summary>Parses "a BIGINT, b VARCHAR" into columns (types may hold parentheses, e.g. DECIMAL(10,2)).</summary>
    public ImmutableArray<Column>? ParseSchema()
    {
        if (string.IsNullOrWhiteSpace(Schema)) return null;
        var columns = ImmutableArray.CreateBuilder<Column>();
        foreach (var part in SplitTopLevel(Schema))
        {
            var trimmed = part.Trim();
            var space = trimmed.IndexOf(' ');
            if (space <= 0)
                throw new ConfigException("schema", $"schema entry '{trimmed}' must be '<name> <type>'");
            columns.Add(new Column(trimmed[..space].Trim('"'), trimmed[(space + 1)..].Trim()));
        }
        return columns.ToImmutable();
    }

    private static IEnumerable<string> SplitTopLevel(string s)
    {
        var depth = 0; var start = 0;
        for (var i = 0; i < s.Length; i++)
        {
            if (s[i] == '(') depth++;
            else if (s[i] == ')') depth--;
            else if (s[i] == ',' && depth == 0) { yield return s[start..i]; start = i + 1; }
        }
        yield return s[start..];
    }

    private static bool ParseBool(string key, string value) => value.Trim().ToLowerInvariant() switch
    {
        "true" or "yes" or "1" => true,
        "false" or "no" or "0" => false,
        _ => throw new ConfigException(key, $"option '{key}' must be true or false, not '{value}'"),
    };

    private static string OneChar(string key, string value) =>
        value.Length == 1 || value == "\\t" ? (value == "\\t" ? "\t" : value)
            : throw new ConfigException(key, $"option '{key}' must be one character, not '{value}'");
}
