using DuckDB.NET.Data;
using Glint.Common;

namespace Glint.Execution;

/// <summary>The one place that decides whether a failed task attempt is worth retrying.</summary>
public static class ErrorClassifier
{
    // DuckDB errors that depend only on the query and the data: retrying cannot help.
    private static readonly string[] FatalDuckDbPrefixes =
    [
        "Binder Error", "Parser Error", "Catalog Error", "Conversion Error", "Invalid Input Error",
        "Not implemented Error", "Invalid Error", "Constraint Error", "Out of Range Error",
    ];

    public static bool IsRetryable(Exception error) => error switch
    {
        OperationCanceledException => false,
        GlintException g => g.IsRetryable,
        DuckDBException d => !FatalDuckDbPrefixes.Any(p => d.Message.StartsWith(p, StringComparison.Ordinal)),
        IOException => true,
        _ => true,
    };
}
