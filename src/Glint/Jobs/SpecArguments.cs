using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;
using Glint.Common;
using YamlDotNet.Core;
using YamlDotNet.Core.Events;

namespace Glint.Jobs;

/// <summary>
/// Fills a spec's <c>${name}</c> placeholders with argument values as values, never as text: each YAML scalar holding
/// a placeholder is replaced whole by a quoted scalar, so a value cannot change the spec's structure; inside a SQL
/// expression (filter, select, with_columns, sql, map_sql, agg, window, order_by, join condition, push_down_predicate,
/// a source query) the value is bound as a SQL literal (or escaped inside the literal it stands in); in a path it may
/// not climb out with <c>..</c>. A placeholder no argument fills is an error naming it.
/// </summary>
public static partial class SpecArguments
{
    private static readonly HashSet<string> SqlKeys = new(StringComparer.OrdinalIgnoreCase)
    {
        "sql", "filter", "select", "with_columns", "map_sql", "agg", "window", "order_by", "sort_within_partitions", "condition",
        "push_down_predicate", "query",
    };

    private static readonly HashSet<string> PathKeys = new(StringComparer.OrdinalIgnoreCase) { "path", "connection", "checkpoint" };

    [GeneratedRegex(@"\$\{([A-Za-z_][A-Za-z0-9_]*)\}")]
    private static partial Regex Placeholder();

    /// <summary>The spec text with every placeholder filled; <paramref name="origin"/> names the spec in messages.</summary>
    public static string Apply(string yaml, IReadOnlyDictionary<string, string> arguments, string origin)
    {
        if (!yaml.Contains("${", StringComparison.Ordinal)) return yaml;
        // "{" and "}" are YAML flow indicators ("path: ${out}" inside "{ … }" would not parse): each placeholder
        // becomes a plain token first, and is put back once the scalars holding it are known.
        var names = new List<string>();
        var masked = Placeholder().Replace(yaml, m =>
        {
            names.Add(m.Groups[1].Value);
            return Token(names.Count - 1);
        });
        string Unmask(string text) => Tokens().Replace(text, m => "${" + names[int.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture)] + "}");
        var edits = new List<(int Start, int End, string Text)>();
        try
        {
            foreach (var (scalar, keys) in Scalars(masked))
            {
                if (!scalar.Value.Contains("__glint_arg_", StringComparison.Ordinal)) continue;
                var value = Fill(Unmask(scalar.Value), keys, arguments, origin);
                edits.Add(((int)scalar.Start.Index, (int)scalar.End.Index, Quote(value)));
            }
        }
        catch (YamlException)
        {
            return yaml; // the loader reports the syntax error with its line and column
        }
        var text = new StringBuilder(masked);
        foreach (var (start, end, replacement) in edits.OrderByDescending(e => e.Start))
            text.Remove(start, end - start).Insert(start, replacement);
        return Unmask(text.ToString());
    }

    private static string Token(int index) => $"__glint_arg_{index}__";

    [GeneratedRegex(@"__glint_arg_(\d+)__")]
    private static partial Regex Tokens();

    /// <summary>Every scalar value of the document, with the keys leading to it from the root.</summary>
    private static IEnumerable<(Scalar Scalar, IReadOnlyList<string> Keys)> Scalars(string yaml)
    {
        var parser = new Parser(new StringReader(yaml));
        // Per open collection: is it a mapping, and (for mappings) the pending key, or null while a key is awaited.
        var stack = new Stack<(bool Mapping, string? Key)>();
        while (parser.MoveNext())
        {
            switch (parser.Current)
            {
                case Scalar s when stack.Count > 0 && stack.Peek() is { Mapping: true, Key: null }:
                    stack.Pop();
                    stack.Push((true, s.Value));
                    break;
                case Scalar s:
                    yield return (s, [.. Path(stack)]);
                    ValueDone(stack);
                    break;
                case MappingStart:
                    stack.Push((true, null));
                    break;
                case SequenceStart:
                    stack.Push((false, null));
                    break;
                case MappingEnd or SequenceEnd:
                    stack.Pop();
                    ValueDone(stack);
                    break;
                case AnchorAlias:
                    ValueDone(stack);
                    break;
            }
        }
    }

    /// <summary>After a mapping's value: it awaits its next key.</summary>
    private static void ValueDone(Stack<(bool Mapping, string? Key)> stack)
    {
        if (stack.Count > 0 && stack.Peek().Mapping)
        {
            stack.Pop();
            stack.Push((true, null));
        }
    }

    private static IEnumerable<string> Path(Stack<(bool Mapping, string? Key)> stack) =>
        stack.Reverse().Where(s => s.Mapping && s.Key is not null).Select(s => s.Key!);

    private static string Fill(string value, IReadOnlyList<string> keys, IReadOnlyDictionary<string, string> arguments, string origin)
    {
        string Argument(string name) => arguments.TryGetValue(name, out var v) ? v
            : throw new SpecException($"{origin} uses the argument ${{{name}}}, which has no value; pass --arg {name}=… or give it a default (known: {(arguments.Count == 0 ? "none" : string.Join(", ", arguments.Keys.Order()))})");
        if (keys.Any(SqlKeys.Contains)) return BindSql(value, Argument);
        if (keys.Count > 0 && PathKeys.Contains(keys[^1]))
            return Placeholder().Replace(value, m =>
            {
                var v = Argument(m.Groups[1].Value);
                if (v.Replace('\\', '/').Split('/').Contains("..") || v.Contains('\0'))
                    throw new SpecException($"{origin}: the argument '{m.Groups[1].Value}' ('{v}') is used in '{string.Join('.', keys)}' and may not climb out of its folder with '..'; write such a path in the spec itself");
                return v;
            });
        return Placeholder().Replace(value, m => Argument(m.Groups[1].Value));
    }

    /// <summary>A SQL expression with each placeholder bound: a literal where it stands alone, escaped where it sits inside a quoted string or name.</summary>
    private static string BindSql(string sql, Func<string, string> argument)
    {
        var result = new StringBuilder();
        char? quote = null;
        for (var i = 0; i < sql.Length; i++)
        {
            var c = sql[i];
            if (c == '$' && Placeholder().Match(sql, i) is { Success: true } m && m.Index == i)
            {
                var v = argument(m.Groups[1].Value);
                result.Append(quote switch
                {
                    '\'' => v.Replace("'", "''"),
                    '"' => v.Replace("\"", "\"\""),
                    _ => IsNumber(v) ? v : "'" + v.Replace("'", "''") + "'",
                });
                i += m.Length - 1;
                continue;
            }
            if (c is '\'' or '"') quote = quote is null ? c : quote == c ? null : quote;
            result.Append(c);
        }
        return result.ToString();
    }

    private static bool IsNumber(string v) =>
        v.Length > 0 && v.Length < 30 && decimal.TryParse(v, NumberStyles.AllowLeadingSign | NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out _);

    /// <summary>A YAML double-quoted scalar holding exactly <paramref name="value"/>.</summary>
    private static string Quote(string value)
    {
        var text = new StringBuilder("\"");
        foreach (var c in value)
            text.Append(c switch
            {
                '"' => "\\\"",
                '\\' => "\\\\",
                '\n' => "\\n",
                '\r' => "\\r",
                '\t' => "\\t",
                _ when char.IsControl(c) => $"\\u{(int)c:x4}",
                _ => c.ToString(),
            });
        return text.Append('"').ToString();
    }
}
