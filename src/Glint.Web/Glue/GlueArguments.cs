using System.Collections.Immutable;
using Glint.Jobs;

namespace Glint.Web.Glue;

/// <summary>
/// Glue's job arguments (<c>--name value</c>) as Glint's: <c>--day 2024-06-01</c> fills <c>${day}</c> in the spec;
/// <c>--job-bookmark-option</c> chooses the bookmark option; Glue's own switches for Spark and its services (<c>--TempDir</c>,
/// <c>--enable-*</c>, <c>--extra-*</c>, <c>--conf</c> …) mean nothing to Glint and are kept only to be given back.
/// </summary>
internal static class GlueArguments
{
    public const string BookmarkOption = "--job-bookmark-option";

    private static readonly string[] GlueOnly =
    [
        "--TempDir", "--job-language", "--conf", "--class", "--scriptLocation", "--user-jars-first", "--datalake-formats", "--additional-python-modules",
        "--python-modules-installer-option", "--spark-event-logs-path", "--auto-scale-within-microbatch", "--customer-driver-env-vars", "--customer-executor-env-vars",
    ];

    /// <summary>Whether an argument is one of Glue's own switches rather than an argument of the job's spec.</summary>
    public static bool IsGlueOnly(string key) =>
        GlueOnly.Contains(key, StringComparer.Ordinal) || key.StartsWith("--enable-", StringComparison.Ordinal) || key.StartsWith("--extra-", StringComparison.Ordinal);

    /// <summary>The spec arguments among Glue arguments: the names without their leading dashes.</summary>
    public static ImmutableDictionary<string, string> ForSpec(IReadOnlyDictionary<string, string> arguments, string operation)
    {
        var result = ImmutableDictionary.CreateBuilder<string, string>();
        foreach (var (key, value) in arguments)
        {
            if (key == BookmarkOption || IsGlueOnly(key)) continue;
            if (!key.StartsWith("--", StringComparison.Ordinal) || key.Length == 2)
                throw GlueError.Invalid($"{operation}: argument '{key}' must start with -- (Glue's arguments are --name value)");
            result[key[2..]] = value;
        }
        return result.ToImmutable();
    }

    /// <summary>The bookmark option an argument map sets, or null.</summary>
    public static BookmarkOption? Bookmarks(IReadOnlyDictionary<string, string> arguments, string operation) =>
        arguments.TryGetValue(BookmarkOption, out var option) ? option switch
        {
            "job-bookmark-enable" => Jobs.BookmarkOption.Enable,
            "job-bookmark-disable" => Jobs.BookmarkOption.Disable,
            "job-bookmark-pause" => Jobs.BookmarkOption.Pause,
            _ => throw GlueError.Invalid($"{operation}: {BookmarkOption} must be job-bookmark-enable, job-bookmark-disable or job-bookmark-pause, not '{option}'"),
        } : null;
}
