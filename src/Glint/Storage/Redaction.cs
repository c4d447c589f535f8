using System.Text.RegularExpressions;

namespace Glint.Storage;

/// <summary>
/// The one place that knows what a secret looks like in text: every password key Npgsql accepts (Password, PWD, PSW,
/// and Passwd), secret access keys and session tokens (any spelling AWS tools use), URL user-info
/// (<c>scheme://user:secret@</c>) and <c>?password=</c> query parameters. A quoted value is masked whole, quotes and
/// semicolons inside it included.
/// </summary>
internal static partial class Redaction
{
    private const string Keys = @"password|passwd|pwd|psw|(?:aws_)?secret_?access_?key|secretaccesskey|(?:aws_)?session_?token";

    [GeneratedRegex(@"(?i)(" + Keys + @")(""?\s*[=:]\s*)(""(?:[^""]|"""")*""|'(?:[^']|'')*'|[^;&\s}]*)")]
    private static partial Regex KeyValue();

    [GeneratedRegex(@"(?i)([a-z][a-z0-9+.-]*://[^:/@\s""']+):[^@\s""']*@")]
    private static partial Regex UserInfo();

    /// <summary>The text with every secret value replaced by <c>***</c>.</summary>
    public static string Redact(string text) =>
        UserInfo().Replace(KeyValue().Replace(text, m => m.Groups[3].Length == 0 ? m.Value : m.Groups[1].Value + m.Groups[2].Value + "***"), "$1:***@");

    /// <summary>Whether the text holds a secret value (a key with an empty value, or only a placeholder, does not).</summary>
    public static bool HasSecret(string text) =>
        KeyValue().Matches(text).Any(m => m.Groups[3].Value is { Length: > 0 } v && v is not ("''" or "\"\"") && !IsPlaceholder(v))
        || UserInfo().IsMatch(text);

    /// <summary>A value that is only a job argument's placeholder (${name}) holds nothing yet: the argument is checked when it fills it.</summary>
    private static bool IsPlaceholder(string value) => Placeholder().IsMatch(value.Trim('\'', '"'));

    // An unquoted value stops at '}', so "${pw}" may arrive as "${pw".
    [GeneratedRegex(@"^\$\{[A-Za-z_][A-Za-z0-9_]*\}?$")]
    private static partial Regex Placeholder();

    /// <summary>Whether a name (an argument's, a setting's) says its value is a secret.</summary>
    public static bool IsSecretName(string name) =>
        name.Contains("password", StringComparison.OrdinalIgnoreCase) || name.Contains("secret", StringComparison.OrdinalIgnoreCase) ||
        name.Contains("token", StringComparison.OrdinalIgnoreCase) || name.Equals("pwd", StringComparison.OrdinalIgnoreCase) ||
        name.Equals("psw", StringComparison.OrdinalIgnoreCase) || name.Equals("passwd", StringComparison.OrdinalIgnoreCase);
}
