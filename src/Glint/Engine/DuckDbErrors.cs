using DuckDB.NET.Data;

namespace Glint.Engine;

/// <summary>DuckDB's error messages in Glint's words: one line, no position marker, Glint's option names in its advice.</summary>
public static class DuckDbErrors
{
    /// <summary>DuckDB's message without its position marker, on one line.</summary>
    public static string Explain(DuckDBException e)
    {
        var lines = e.Message.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .TakeWhile(l => !l.StartsWith("LINE ", StringComparison.Ordinal))
            .ToList();
        var text = string.Join(" ", lines);
        foreach (var prefix in new[] { "Binder Error: ", "Parser Error: ", "Catalog Error: ", "Conversion Error: ", "Invalid Input Error: " })
            if (text.StartsWith(prefix, StringComparison.Ordinal)) text = text[prefix.Length..];
        // DuckDB's advice names DuckDB's own options, which a Glint user cannot set: say it in Glint's.
        if (text.IndexOf(" It was not possible to automatically detect the CSV parsing dialect", StringComparison.Ordinal) is var sniff and > 0)
            text = text[..sniff] + " DuckDB could not work out its CSV dialect; give the source's format options yourself — delimiter (\\t for tab), quote, escape, header, schema — " +
                "or on_error: record to keep malformed rows as error records";
        else if (text.IndexOf(" Possible fixes:", StringComparison.Ordinal) is var fixes and > 0)
            text = text[..fixes] + " (format options: delimiter, quote, escape, header, schema; on_error: record keeps malformed rows as error records; merge_schema reads files of different columns)";
        text = text.Replace("union_by_name=true", "merge_schema: true", StringComparison.Ordinal).Replace("union_by_name", "merge_schema", StringComparison.Ordinal)
                   .Replace("ignore_errors=true", "on_error: record", StringComparison.Ordinal).Replace("ignore_errors", "on_error: record", StringComparison.Ordinal);
        return text.Replace("Referenced column", "column", StringComparison.Ordinal)
                   .Replace(" in FROM clause!", "", StringComparison.Ordinal)
                   .Replace(" Candidate bindings:", "; did you mean", StringComparison.Ordinal)
                   .Replace("Candidate bindings:", "did you mean", StringComparison.Ordinal);
    }
}
