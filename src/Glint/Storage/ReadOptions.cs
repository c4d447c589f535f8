using System.Collections.Immutable;
using Glint.Common;
using Glint.Common.Options;

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

    /// <summary>Every read option, declared once: the key list, the parser and the table in docs/job-spec.md come from here.</summary>
    public static readonly OptionSet<ReadOptions> Declared = new("option", "read option",
    [
        new("header", "`true`", "first line holds column names", (o, v) => o with { Header = v.Bool() }) { AppliesTo = "csv" },
        new("delimiter", "`,`", "one character; `\\t` for tab", (o, v) => o with { Delimiter = v.OneChar() }) { AppliesTo = "csv", Aliases = ["sep"] },
        new("quote", "`\"`", "one character", (o, v) => o with { Quote = v.OneChar() }) { AppliesTo = "csv" },
        new("escape", "(quote)", "one character", (o, v) => o with { Escape = v.OneChar() }) { AppliesTo = "csv" },
        new("null_value", "(empty)", "text that means NULL", (o, v) => o with { NullValue = v.Text }) { AppliesTo = "csv" },
        new("schema", "inferred", "`\"id BIGINT, name VARCHAR, price DECIMAL(10,2)\"` — the file columns and their types",
            (o, v) => o with { Schema = v.Text }) { AppliesTo = "all" },
        new("on_error", "`fail`",
            "`record`: a malformed row (CSV: wrong number of columns; JSON: not a JSON object) or a value that does not fit its column's type "
            + "becomes an *error record* (file, line, reason, raw text) instead of failing the run; see [jobs.md](jobs.md#error-records)",
            (o, v) => o with { RecordErrors = v.Choice(("fail", false), ("record", true)) }) { AppliesTo = "csv, json" },
        new("merge_schema", "`false`",
            "build the schema from every file's footer instead of the first file's; files lacking a column read it as NULL",
            (o, v) => o with { MergeSchema = v.Bool() }) { AppliesTo = "parquet" },
    ]) { AppliesToHeader = "formats" };

    /// <summary>Every accepted read option key, names and aliases.</summary>
    public static ImmutableArray<string> Keys => Declared.Keys;

    /// <summary>Builds options from string key/values as the API and job specs give them; unknown keys are errors.</summary>
    public static ReadOptions From(IReadOnlyDictionary<string, string> options) => Declared.Apply(new ReadOptions(), options);

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
}
