using System.Globalization;

namespace Glint.Common;

/// <summary>Byte sizes as people write them: "128MB", "4 MiB", "1g", "1048576".</summary>
public static class Bytes
{
    public static string Format(long bytes)
    {
        string[] units = ["B", "KB", "MB", "GB", "TB"];
        double value = bytes;
        var unit = 0;
        while (value >= 1024 && unit < units.Length - 1) { value /= 1024; unit++; }
        return value.ToString(unit == 0 ? "0" : "0.#", CultureInfo.InvariantCulture) + " " + units[unit];
    }

    public static long Parse(string key, string text)
    {
        var s = text.Trim().ToUpperInvariant().Replace(" ", "");
        var digits = new string(s.TakeWhile(c => char.IsDigit(c) || c == '.').ToArray());
        var suffix = s[digits.Length..].TrimEnd('B').Replace("I", "");
        long multiplier = suffix switch
        {
            "" => 1, "K" => 1L << 10, "M" => 1L << 20, "G" => 1L << 30, "T" => 1L << 40,
            _ => -1,
        };
        if (multiplier < 0 || !double.TryParse(digits, NumberStyles.Float, CultureInfo.InvariantCulture, out var n) || n < 0)
            throw new ConfigException(key, $"setting '{key}' must be a size such as 128MB, not '{text}'");
        return (long)(n * multiplier);
    }
}
