using System.Text.RegularExpressions;
using Spectre.Console;

namespace Glint.Cli.Terminal;

/// <summary>
/// Where errors and warnings go: standard error, one line each, so <c>2&gt;/dev/null</c> silences them and a pipe reading
/// standard output sees only results. Coloured on a terminal; plain and never wrapped when standard error is redirected.
/// </summary>
public static partial class Diagnostics
{
    private static readonly Lazy<IAnsiConsole> Terminal = new(() => AnsiConsole.Create(new AnsiConsoleSettings
    {
        Out = new AnsiConsoleOutput(Console.Error),
    }));

    /// <summary>An error line: <c>error (category): message</c>, or <c>error: message</c> without a category.</summary>
    public static void Error(string? category, string message) =>
        Write("red", category is null ? "error" : $"error ({category})", message);

    /// <summary>A note about streamed output (how many rows), on standard error so the rows on standard output stay only rows.</summary>
    public static void Note(string message) => Console.Error.WriteLine(OneLine(message));

    /// <summary>A warning line: <c>warning: message</c>.</summary>
    public static void Warning(string message) => Write("yellow", "warning", message);

    private static void Write(string colour, string label, string message)
    {
        var line = OneLine(message);
        if (Console.IsErrorRedirected)
        {
            Console.Error.WriteLine($"{label}: {line}");
            return;
        }
        Terminal.Value.MarkupLineInterpolated($"[{colour}]{label}[/]: {line}");
    }

    /// <summary>A message as one line: the line breaks of multi-line messages (DuckDB's among them) become "; ".</summary>
    public static string OneLine(string message) => LineBreaks().Replace(message.Trim(), "; ");

    /// <summary>Spectre's conversion messages in users' words: <c>Int32</c> is "a whole number", not a .NET type.</summary>
    public static string UserTypes(string message) => message
        .Replace("to Int32", "to a whole number", StringComparison.Ordinal).Replace("to Int64", "to a whole number", StringComparison.Ordinal)
        .Replace("to Double", "to a number", StringComparison.Ordinal).Replace("to Boolean", "to true or false", StringComparison.Ordinal)
        .Replace("to Nullable`1", "to the value expected", StringComparison.Ordinal);

    [GeneratedRegex(@"\s*[\r\n]+\s*")]
    private static partial Regex LineBreaks();
}
