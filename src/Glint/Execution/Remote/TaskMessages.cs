using System.Collections;
using System.Globalization;
using System.Numerics;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;

namespace Glint.Execution.Remote;

/// <summary>What an executor answers for one task attempt: its result, or the error with whether a retry may help.</summary>
public sealed record TaskReply(bool Succeeded, TaskResult? Result, string? Error, bool Retryable);

/// <summary>
/// Tasks and their replies as text, for executors in other processes: a task carries everything it
/// needs (SQL, split, attempt folders, scratch location). Collected values keep their exact .NET type
/// (a HUGEINT stays a BigInteger, a DATE a DateOnly), so rows from an executor equal rows from a local slot.
/// </summary>
public static class TaskMessages
{
    private static readonly JsonSerializerOptions Options = new()
    {
        Converters = { new JsonStringEnumConverter(), new RowsConverter() },
    };

    public static string Serialize(TaskSpec task) => JsonSerializer.Serialize(task, Options);

    public static TaskSpec DeserializeTask(string json) =>
        JsonSerializer.Deserialize<TaskSpec>(json, Options) ?? throw new JsonException("empty task message");

    public static string Serialize(TaskReply reply) => JsonSerializer.Serialize(reply, Options);

    public static TaskReply DeserializeReply(string json) =>
        JsonSerializer.Deserialize<TaskReply>(json, Options) ?? throw new JsonException("empty reply message");

    /// <summary>Rows as arrays of tagged values: [type, text] pairs that read back as the same .NET values.</summary>
    private sealed class RowsConverter : JsonConverter<IReadOnlyList<object?[]>>
    {
        public override IReadOnlyList<object?[]> Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
        {
            var node = JsonNode.Parse(ref reader)!.AsArray();
            return node.Select(row => row!.AsArray().Select(Decode).ToArray()).ToList();
        }

        public override void Write(Utf8JsonWriter writer, IReadOnlyList<object?[]> rows, JsonSerializerOptions options)
        {
            var array = new JsonArray();
            foreach (var row in rows) array.Add(new JsonArray([.. row.Select(Encode)]));
            array.WriteTo(writer);
        }
    }

    internal static JsonNode? Encode(object? value)
    {
        static JsonArray Tag(string type, JsonNode? v) => [type, v];
        static string S(IFormattable f) => f.ToString(null, CultureInfo.InvariantCulture);
        return value switch
        {
            null or DBNull => null,
            bool b => Tag("bool", b),
            sbyte v => Tag("i8", v), byte v => Tag("u8", v), short v => Tag("i16", v), ushort v => Tag("u16", v),
            int v => Tag("i32", v), uint v => Tag("u32", v), long v => Tag("i64", v), ulong v => Tag("u64", S(v)),
            BigInteger v => Tag("i128", v.ToString(CultureInfo.InvariantCulture)),
            float v => Tag("f32", S(v)), double v => Tag("f64", v.ToString("R", CultureInfo.InvariantCulture)),
            decimal v => Tag("dec", S(v)),
            string v => Tag("str", v),
            DateTime v => Tag("ts", $"{v.Ticks}:{(int)v.Kind}"),
            DateOnly v => Tag("date", v.DayNumber),
            TimeOnly v => Tag("time", v.Ticks),
            DateTimeOffset v => Tag("tstz", $"{v.Ticks}:{v.Offset.Ticks}"),
            TimeSpan v => Tag("span", v.Ticks),
            Guid v => Tag("uuid", v.ToString()),
            byte[] v => Tag("blob", Convert.ToBase64String(v)),
            IDictionary d => Tag("map", new JsonArray(TypeName(d.GetType()),
                new JsonArray([.. d.Keys.Cast<object?>().Select(k => (JsonNode?)new JsonArray(Encode(k), Encode(d[k!])))]))),
            IEnumerable e => Tag("list", new JsonArray(TypeName(e.GetType()), new JsonArray([.. e.Cast<object?>().Select(Encode)]))),
            _ => Tag("str", value.ToString()),
        };
    }

    /// <summary>The collection's own type, so a LIST(INTEGER) comes back as the List&lt;int?&gt; DuckDB gave, not a list of objects.</summary>
    private static string TypeName(Type type) => type.AssemblyQualifiedName ?? type.FullName ?? type.Name;

    /// <summary>Only collections of the base library's types are recreated by type name; anything else comes back untyped.</summary>
    private static Type? Known(string name)
    {
        var type = Type.GetType(name, throwOnError: false);
        return type is not null && type.Assembly == typeof(object).Assembly && (!type.IsGenericType || type.GenericTypeArguments.All(a => a.Assembly == typeof(object).Assembly || Known(a.AssemblyQualifiedName!) is not null))
            ? type : null;
    }

    private static object List(JsonArray node)
    {
        var items = node[1]!.AsArray().Select(Decode);
        if (Known(node[0]!.GetValue<string>()) is { } type && Activator.CreateInstance(type) is IList list)
        {
            foreach (var item in items) list.Add(item);
            return list;
        }
        return items.ToList();
    }

    private static object Map(JsonArray node)
    {
        var pairs = node[1]!.AsArray().Select(kv => (Key: Decode(kv!.AsArray()[0])!, Value: Decode(kv!.AsArray()[1])));
        if (Known(node[0]!.GetValue<string>()) is { } type && Activator.CreateInstance(type) is IDictionary map)
        {
            foreach (var (key, value) in pairs) map[key] = value;
            return map;
        }
        return pairs.ToDictionary(p => p.Key, p => p.Value);
    }

    internal static object? Decode(JsonNode? node)
    {
        if (node is null) return null;
        var pair = node.AsArray();
        var type = pair[0]!.GetValue<string>();
        var v = pair[1];
        string T() => v!.GetValue<string>();
        return type switch
        {
            "bool" => v!.GetValue<bool>(),
            "i8" => v!.GetValue<sbyte>(), "u8" => v!.GetValue<byte>(), "i16" => v!.GetValue<short>(), "u16" => v!.GetValue<ushort>(),
            "i32" => v!.GetValue<int>(), "u32" => v!.GetValue<uint>(), "i64" => v!.GetValue<long>(), "u64" => ulong.Parse(T(), CultureInfo.InvariantCulture),
            "i128" => BigInteger.Parse(T(), CultureInfo.InvariantCulture),
            "f32" => float.Parse(T(), CultureInfo.InvariantCulture), "f64" => double.Parse(T(), CultureInfo.InvariantCulture),
            "dec" => decimal.Parse(T(), CultureInfo.InvariantCulture),
            "str" => T(),
            "ts" => T().Split(':') is var p ? new DateTime(long.Parse(p[0], CultureInfo.InvariantCulture), (DateTimeKind)int.Parse(p[1], CultureInfo.InvariantCulture)) : null,
            "date" => DateOnly.FromDayNumber(v!.GetValue<int>()),
            "time" => new TimeOnly(v!.GetValue<long>()),
            "tstz" => T().Split(':') is var q ? new DateTimeOffset(long.Parse(q[0], CultureInfo.InvariantCulture), new TimeSpan(long.Parse(q[1], CultureInfo.InvariantCulture))) : null,
            "span" => new TimeSpan(v!.GetValue<long>()),
            "uuid" => Guid.Parse(T()),
            "blob" => Convert.FromBase64String(T()),
            "map" => Map(v!.AsArray()),
            "list" => List(v!.AsArray()),
            _ => throw new JsonException($"unknown value type '{type}' in a task reply"),
        };
    }
}
