using System.Collections.Immutable;
using System.Text;
using System.Text.RegularExpressions;

namespace Glint.Catalog;

/// <summary>
/// A crawler's exclusion patterns (Glue's Exclusions), matched against paths relative to the crawled folder:
/// <c>*</c> is any run of characters within one folder level, <c>**</c> crosses levels, <c>?</c> is one character,
/// <c>{a,b}</c> either alternative, <c>[abc]</c> one of a set, <c>\</c> escapes the next character.
/// </summary>
internal sealed class ExclusionGlobs
{
    private readonly ImmutableArray<Regex> patterns;

    public ExclusionGlobs(IEnumerable<string> globs) => patterns = [.. globs.Select(Compile)];

    public bool IsEmpty => patterns.IsEmpty;

    /// <summary>Whether a file at <paramref name="relative"/> (forward slashes) is excluded.</summary>
    public bool ExcludesFile(string relative) => patterns.Any(p => p.IsMatch(relative));

    /// <summary>Whether a whole folder is excluded: a pattern matches the folder itself, or everything in it (<c>archive/**</c>).</summary>
    public bool ExcludesFolder(string relative) => patterns.Any(p => p.IsMatch(relative) || p.IsMatch(relative + "/"));

    private static Regex Compile(string glob)
    {
        var regex = new StringBuilder("^");
        var alternatives = 0;
        for (var i = 0; i < glob.Length; i++)
        {
            var c = glob[i];
            switch (c)
            {
                case '*' when i + 1 < glob.Length && glob[i + 1] == '*': regex.Append(".*"); i++; break;
                case '*': regex.Append("[^/]*"); break;
                case '?': regex.Append("[^/]"); break;
                case '{': regex.Append("(?:"); alternatives++; break;
                case '}' when alternatives > 0: regex.Append(')'); alternatives--; break;
                case ',' when alternatives > 0: regex.Append('|'); break;
                case '[':
                    var end = glob.IndexOf(']', i + 1);
                    if (end < 0) goto default;
                    var set = glob[(i + 1)..end];
                    regex.Append('[').Append(set.StartsWith('!') ? "^" + Regex.Escape(set[1..]) : Regex.Escape(set)).Append(']');
                    i = end;
                    break;
                case '\\' when i + 1 < glob.Length: regex.Append(Regex.Escape(glob[++i].ToString())); break;
                default: regex.Append(Regex.Escape(c.ToString())); break;
            }
        }
        if (alternatives > 0) throw new Common.ConfigException("Exclusions", $"exclusion pattern '{glob}' has a '{{' without its '}}'");
        return new Regex(regex.Append('$').ToString(), RegexOptions.CultureInvariant);
    }
}
