namespace Glint.Common;

/// <summary>"Did you mean …": the names closest to one a user mistyped, by edit distance, ignoring case.</summary>
public static class Suggestions
{
    /// <summary>Up to <paramref name="max"/> candidates within a third of the name's length in edits (at least 2), closest first.</summary>
    public static IReadOnlyList<string> Closest(string name, IEnumerable<string> candidates, int max = 3)
    {
        var limit = Math.Max(2, name.Length / 3);
        return [.. candidates.Distinct(StringComparer.OrdinalIgnoreCase)
            .Select(c => (Name: c, Distance: Distance(name.ToLowerInvariant(), c.ToLowerInvariant())))
            .Where(c => c.Distance <= limit)
            .OrderBy(c => c.Distance).ThenBy(c => c.Name, StringComparer.Ordinal)
            .Take(max).Select(c => c.Name)];
    }

    /// <summary>"; did you mean "a" or "b"?" — or nothing when no candidate is close.</summary>
    public static string DidYouMean(string name, IEnumerable<string> candidates)
    {
        var closest = Closest(name, candidates);
        return closest.Count == 0 ? "" : $"; did you mean {string.Join(" or ", closest.Select(c => $"\"{c}\""))}?";
    }

    /// <summary>Levenshtein distance, with a swap of neighbours counting one edit (optimal string alignment).</summary>
    public static int Distance(string a, string b)
    {
        var d = new int[a.Length + 1, b.Length + 1];
        for (var i = 0; i <= a.Length; i++) d[i, 0] = i;
        for (var j = 0; j <= b.Length; j++) d[0, j] = j;
        for (var i = 1; i <= a.Length; i++)
            for (var j = 1; j <= b.Length; j++)
            {
                var cost = a[i - 1] == b[j - 1] ? 0 : 1;
                d[i, j] = Math.Min(Math.Min(d[i - 1, j] + 1, d[i, j - 1] + 1), d[i - 1, j - 1] + cost);
                if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1]) d[i, j] = Math.Min(d[i, j], d[i - 2, j - 2] + 1);
            }
        return d[a.Length, b.Length];
    }
}
