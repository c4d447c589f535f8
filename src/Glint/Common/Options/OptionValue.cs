using System.Globalization;

namespace Glint.Common.Options;

/// <summary>One text value given for a declared option, with the parsers every option kind shares and their one-line refusals.</summary>
/// <param name="Noun">What the option is called in messages: "setting" or "option".</param>
/// <param name="Key">The key as the user wrote it.</param>
/// <param name="Text">The value as the user wrote it.</param>
public readonly record struct OptionValue(string Noun, string Key, string Text)
{
    /// <summary>The value without surrounding blanks.</summary>
    public string Trimmed => Text.Trim();

    /// <summary>The refusal "setting 'key' must be …, not 'text'".</summary>
    public ConfigException Invalid(string must) => new(Key, $"{Noun} '{Key}' must be {must}, not '{Text}'");

    /// <summary>true/yes/1 or false/no/0.</summary>
    public bool Bool() => Choice(("true|yes|1", true), ("false|no|0", false));

    /// <summary>One of the named choices, ignoring case; a name "a|b" accepts b as a synonym of a, and messages show a.</summary>
    public T Choice<T>(params (string Names, T Value)[] choices)
    {
        var given = Trimmed;
        foreach (var (names, value) in choices)
            if (names.Split('|').Any(n => n.Equals(given, StringComparison.OrdinalIgnoreCase))) return value;
        var shown = choices.Select(c => c.Names.Split('|')[0]).ToList();
        throw Invalid(shown.Count == 2 ? $"{shown[0]} or {shown[1]}" : $"one of {string.Join(", ", shown)}");
    }

    /// <summary>A whole number (underscores allowed) of at least <paramref name="min"/> and at most <paramref name="max"/>.</summary>
    public long Whole(long min, long max = long.MaxValue) =>
        long.TryParse(Trimmed.Replace("_", ""), NumberStyles.Integer, CultureInfo.InvariantCulture, out var n) && n >= min && n <= max
            ? n : throw Invalid(max >= int.MaxValue ? $"a whole number of at least {min}" : $"a whole number from {min} to {max}");

    /// <summary>A number of at least 0; a leading '$' is allowed for prices.</summary>
    public double Number() =>
        double.TryParse(Trimmed.TrimStart('$'), NumberStyles.Float, CultureInfo.InvariantCulture, out var n) && n >= 0
            ? n : throw Invalid("a number of at least 0");

    /// <summary>A size such as 128MB, 4 MiB, 1g or plain bytes; with <paramref name="positive"/>, more than zero.</summary>
    public long Bytes(bool positive = false)
    {
        var n = Common.Bytes.Parse(Key, Text);
        return !positive || n > 0 ? n : throw new ConfigException(Key, $"{Noun} '{Key}' must be greater than zero");
    }

    /// <summary>Exactly one character; <c>\t</c> stands for a tab.</summary>
    public string OneChar() => Text == "\\t" ? "\t" : Text.Length == 1 ? Text : throw Invalid("one character");

    /// <summary>The trimmed value, refused when blank.</summary>
    public string NonBlank(string needs) => Trimmed.Length > 0 ? Trimmed : throw new ConfigException(Key, $"{Noun} '{Key}' needs {needs}");

    /// <summary>A comma-separated list, blanks trimmed and empty entries dropped.</summary>
    public IReadOnlyList<string> List() => Text.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
}
