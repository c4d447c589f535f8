using System.Collections.Immutable;
using System.ComponentModel;
using System.Globalization;
using Glint.Common;

namespace Glint.Cli.Commands;

/// <summary>One <c>key=value</c> option value (--set, --arg, --option, catalog parameters), split once when the command line is read.</summary>
[TypeConverter(typeof(KeyValueConverter))]
public readonly record struct KeyValue(string Key, string Value)
{
    /// <summary>The pairs as a dictionary; a key given twice takes its last value.</summary>
    public static ImmutableDictionary<string, string> ToDictionary(IEnumerable<KeyValue> pairs) =>
        pairs.Aggregate(ImmutableDictionary<string, string>.Empty, (d, p) => d.SetItem(p.Key, p.Value));

    /// <summary>The pair as settings and options take it.</summary>
    public KeyValuePair<string, string> Pair => new(Key, Value);

    public override string ToString() => $"{Key}={Value}";
}

/// <summary>Reads <c>key=value</c>; text without a key before its first '=' is refused with an example.</summary>
public sealed class KeyValueConverter : TypeConverter
{
    public override bool CanConvertFrom(ITypeDescriptorContext? context, Type sourceType) => sourceType == typeof(string);

    public override object ConvertFrom(ITypeDescriptorContext? context, CultureInfo? culture, object value)
    {
        var text = value as string ?? "";
        var eq = text.IndexOf('=');
        return eq > 0 && text[..eq].Trim().Length > 0
            ? new KeyValue(text[..eq].Trim(), text[(eq + 1)..])
            : throw new ConfigException(text, $"--set, --arg and --option take key=value (e.g. max_partition_bytes=64MB or day=2024-06-01), not '{text}'");
    }
}
