using System.Collections.Immutable;
using System.Text;

namespace Glint.Common.Options;

/// <summary>
/// The declared options of one kind (engine settings, file read options, database read options): the single place that
/// gives the key list, the parser, the help table and the docs table, so they cannot drift apart.
/// </summary>
/// <param name="Noun">What one is called when its value is refused ("setting", "option").</param>
/// <param name="Kind">What one is called when its key is unknown ("setting", "read option").</param>
/// <param name="Options">Every option, in the order the docs list them.</param>
public sealed record OptionSet<T>(string Noun, string Kind, ImmutableArray<Option<T>> Options)
{
    /// <summary>The header of the docs table's column that <see cref="Option{T}.AppliesTo"/> fills, or null for none.</summary>
    public string? AppliesToHeader { get; init; }

    /// <summary>Every accepted key, names and aliases.</summary>
    public ImmutableArray<string> Keys { get; } = [.. Options.SelectMany(o => o.Keys)];

    /// <summary>The option a key names (ignoring case and blanks), or null.</summary>
    public Option<T>? Find(string key)
    {
        var k = key.Trim();
        return Options.FirstOrDefault(o => o.Keys.Any(n => n.Equals(k, StringComparison.OrdinalIgnoreCase)));
    }

    /// <summary>Applies one key=value; an unknown key is refused with the closest known ones.</summary>
    public T Apply(T target, string key, string value)
    {
        var option = Find(key) ?? throw new ConfigException(key,
            $"unknown {Kind} '{key}'{Suggestions.DidYouMean(key.Trim(), Keys)}; known {Kind}s: {string.Join(", ", Keys)}");
        return option.Apply(target, new OptionValue(Noun, key.Trim(), value));
    }

    /// <summary>Applies key=value pairs in order.</summary>
    public T Apply(T target, IEnumerable<KeyValuePair<string, string>> values) =>
        values.Aggregate(target, (t, kv) => Apply(t, kv.Key, kv.Value));

    /// <summary>The docs table (markdown): one row per option with its keys, default and meaning.</summary>
    public string MarkdownTable()
    {
        var headers = new List<string> { Noun };
        if (AppliesToHeader is not null) headers.Add(AppliesToHeader);
        headers.AddRange(["default", "meaning"]);
        var sb = new StringBuilder();
        sb.Append("| ").AppendJoin(" | ", headers).AppendLine(" |");
        sb.Append("| ").AppendJoin(" | ", headers.Select(_ => "---")).AppendLine(" |");
        foreach (var o in Options)
        {
            sb.Append("| `").Append(o.Name).Append('`');
            if (o.Aliases.Length > 0) sb.Append(" (alias ").AppendJoin(", ", o.Aliases.Select(a => $"`{a}`")).Append(')');
            if (AppliesToHeader is not null) sb.Append(" | ").Append(o.AppliesTo);
            sb.Append(" | ").Append(o.Default).Append(" | ").Append(o.Doc).AppendLine(" |");
        }
        return sb.ToString();
    }
}
