using System.Collections;
using System.Reflection;
using Glint.Common;
using YamlDotNet.Core;
using YamlDotNet.Core.Events;
using YamlDotNet.Serialization.NamingConventions;

namespace Glint.Jobs;

/// <summary>
/// Checks a spec's YAML against the shape of <see cref="JobSpec"/> before it is deserialised, so a mistake is named in YAML's
/// terms with its line: an unknown key (with the closest known one), a key given twice (both lines: YAML would keep the last
/// silently), a list where a text value belongs. The deserialiser's own messages name .NET types instead.
/// </summary>
internal static class SpecShape
{
    public static void Check(string yaml, string origin)
    {
        var parser = new Parser(new StringReader(yaml));
        parser.Consume<StreamStart>();
        if (parser.Accept<StreamEnd>(out _)) return;
        parser.Consume<DocumentStart>();
        if (!parser.Accept<DocumentEnd>(out _)) Value(parser, typeof(JobSpec), "the spec", origin);
    }

    private static void Value(IParser parser, Type type, string what, string origin)
    {
        type = Nullable.GetUnderlyingType(type) ?? type;
        var at = parser.Current!.Start;
        if (parser.TryConsume<AnchorAlias>(out _)) return;
        var element = ElementType(type);
        if (parser.TryConsume<Scalar>(out var scalar))
        {
            if (element is not null || IsObject(type))
                if (!(scalar.Value.Length == 0 && !scalar.IsQuotedImplicit && scalar.Style == ScalarStyle.Plain))
                    throw Wrong(origin, at, what, type, "a single value");
            return;
        }
        if (parser.TryConsume<SequenceStart>(out _))
        {
            if (element is null || IsMap(type)) throw Wrong(origin, at, what, type, "a list");
            var i = 0;
            while (!parser.TryConsume<SequenceEnd>(out _))
                Value(parser, element, IsObject(element) ? $"{Noun(element)} #{++i}" : $"item {++i} of {what}", origin);
            return;
        }
        parser.Consume<MappingStart>();
        if (!IsMap(type) && !IsObject(type)) throw Wrong(origin, at, what, type, "a mapping (key: value)");
        var seen = new Dictionary<string, Mark>(StringComparer.Ordinal);
        var properties = IsObject(type) ? Properties(type) : null;
        while (!parser.TryConsume<MappingEnd>(out _))
        {
            var keyAt = parser.Current!.Start;
            var key = parser.Consume<Scalar>().Value;
            if (seen.TryGetValue(key, out var first))
                throw new SpecException($"{origin} line {keyAt.Line}, column {keyAt.Column}: '{key}' is given twice in {what} (first on line {first.Line}); YAML would keep only the last");
            seen[key] = keyAt;
            if (properties is null)
            {
                Value(parser, element!, IsObject(element!) ? $"{Noun(element!)} '{key}'" : $"'{key}' of {what}", origin);
                continue;
            }
            if (!properties.TryGetValue(key, out var property))
                throw new SpecException($"{origin} line {keyAt.Line}, column {keyAt.Column}: unknown key '{key}' in {what}" +
                    $"{Suggestions.DidYouMean(key, properties.Keys)} (keys: {string.Join(", ", properties.Keys)})");
            Value(parser, property.PropertyType, $"'{key}' of {what}", origin);
        }
    }

    private static SpecException Wrong(string origin, Mark at, string what, Type expected, string found) =>
        new($"{origin} line {at.Line}, column {at.Column}: {what} takes {Expected(expected)}, not {found}");

    /// <summary>What a key takes, in YAML terms.</summary>
    private static string Expected(Type type)
    {
        if (IsMap(type)) return "a mapping (key: value)";
        if (ElementType(type) is { } element) return $"a list of {Plural(element)}, e.g. [a, b]";
        if (IsObject(type)) return $"a mapping with keys {string.Join(", ", Properties(type).Keys)}";
        return $"{Single(type)}";
    }

    private static string Single(Type type) => (Nullable.GetUnderlyingType(type) ?? type) switch
    {
        var t when t == typeof(int) || t == typeof(long) => "a whole number",
        var t when t == typeof(double) => "a number",
        var t when t == typeof(bool) => "true or false",
        _ => "a text value",
    };

    private static string Plural(Type element) => IsObject(element) ? "mappings" : Single(element) switch
    {
        "a whole number" => "whole numbers",
        "true or false" => "true/false values",
        _ => "text values",
    };

    private static string Noun(Type type) => type.Name.Replace("Spec", "", StringComparison.Ordinal).ToLowerInvariant();

    private static bool IsObject(Type type) => type.Namespace == typeof(JobSpec).Namespace && type.IsClass;
    private static bool IsMap(Type type) => type.IsGenericType && type.GetGenericTypeDefinition() == typeof(Dictionary<,>);

    private static Type? ElementType(Type type) =>
        type == typeof(string) || !typeof(IEnumerable).IsAssignableFrom(type) ? null
        : IsMap(type) ? type.GetGenericArguments()[1]
        : type.IsGenericType ? type.GetGenericArguments()[0] : null;

    /// <summary>Every YAML key a spec may hold, by the kind of mapping it goes in ("job", "source", "transform", "join", …).</summary>
    public static IReadOnlyDictionary<string, IReadOnlyList<string>> Keys()
    {
        var keys = new Dictionary<string, IReadOnlyList<string>>();
        void Visit(Type type)
        {
            if (!keys.TryAdd(Noun(type), [.. Properties(type).Keys])) return;
            foreach (var property in Properties(type).Values)
            {
                var t = Nullable.GetUnderlyingType(property.PropertyType) ?? property.PropertyType;
                if (ElementType(t) is { } element && IsObject(element)) Visit(element);
                else if (IsObject(t)) Visit(t);
            }
        }
        Visit(typeof(JobSpec));
        return keys;
    }

    /// <summary>The YAML keys of a spec class, as the deserialiser names them.</summary>
    private static Dictionary<string, PropertyInfo> Properties(Type type) =>
        type.GetProperties(BindingFlags.Public | BindingFlags.Instance).Where(p => p.CanWrite)
            .ToDictionary(p => UnderscoredNamingConvention.Instance.Apply(p.Name), StringComparer.Ordinal);
}
