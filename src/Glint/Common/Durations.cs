using System.Globalization;

namespace Glint.Common;

/// <summary>Durations as users write them: a number with a unit, <c>s</c>, <c>m</c>, <c>h</c> or <c>d</c> (<c>90s</c>, <c>30m</c>, <c>7d</c>).</summary>
public static class Durations
{
    /// <param name="bareUnit">the unit of a number written without one (Glue's job timeout is in minutes); none: a unit is required</param>
    public static TimeSpan Parse(string key, string text, TimeSpan? bareUnit = null)
    {
        var t = text.Trim();
        if (bareUnit is { } unit && double.TryParse(t, NumberStyles.Float, CultureInfo.InvariantCulture, out var bare) && bare >= 0 && !double.IsInfinity(bare))
            return unit * bare;
        if (t.Length > 1 && double.TryParse(t[..^1], NumberStyles.Float, CultureInfo.InvariantCulture, out var n) && n >= 0)
            switch (t[^1])
            {
                case 's': return TimeSpan.FromSeconds(n);
                case 'm': return TimeSpan.FromMinutes(n);
                case 'h': return TimeSpan.FromHours(n);
                case 'd': return TimeSpan.FromDays(n);
            }
        throw new ConfigException(key, $"'{key}' takes a duration such as 90s, 30m, 12h or 7d{(bareUnit is null ? "" : " (a plain number is in minutes)")}, not '{text}'");
    }
}
