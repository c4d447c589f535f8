using System.Globalization;
using System.Text.Json.Nodes;

namespace Glint.Web.Glue;

/// <summary>
/// One operation's input as sent (a JSON object of the operation's input shape), read member by member: a missing required member,
/// a wrong JSON type, an unknown enum value or an out-of-range number is an InvalidInputException naming the member, as Glue answers.
/// Paths are dotted member names from the input's root (<c>TableInput.StorageDescriptor.Location</c>).
/// </summary>
internal sealed class GlueRequest(JsonObject body, string operation, string region)
{
    public JsonObject Body => body;
    public string Operation => operation;
    /// <summary>The region of the request's credential scope (ARNs are built with it).</summary>
    public string Region => region;

    public JsonNode? Node(string path)
    {
        JsonNode? node = body;
        foreach (var part in path.Split('.'))
        {
            if (node is null) return null;
            if (node is not JsonObject o) throw GlueError.Invalid($"{operation}: {path} must be inside an object");
            node = o[part];
        }
        return node;
    }

    public string Required(string path) => Text(path) is { Length: > 0 } text ? text : throw GlueError.Invalid($"{operation}: {path} is required");

    public string? Text(string path) => Node(path) switch
    {
        null => null,
        JsonValue v when v.TryGetValue<string>(out var s) => s,
        var other => throw GlueError.Invalid($"{operation}: {path} must be a string, not {other.ToJsonString()}"),
    };

    public int? Int(string path, int min = int.MinValue, int max = int.MaxValue)
    {
        if (Node(path) is not { } node) return null;
        if (node is not JsonValue v || !v.TryGetValue<double>(out var d) || d != Math.Floor(d))
            throw GlueError.Invalid($"{operation}: {path} must be an integer, not {node.ToJsonString()}");
        if (d < min || d > max) throw GlueError.Invalid($"{operation}: {path} must be from {min} to {max}, not {d.ToString(CultureInfo.InvariantCulture)}");
        return (int)d;
    }

    public bool? Bool(string path) => Node(path) switch
    {
        null => null,
        JsonValue v when v.TryGetValue<bool>(out var b) => b,
        var other => throw GlueError.Invalid($"{operation}: {path} must be true or false, not {other.ToJsonString()}"),
    };

    public JsonObject? Object(string path) => Node(path) switch
    {
        null => null,
        JsonObject o => o,
        var other => throw GlueError.Invalid($"{operation}: {path} must be an object, not {other.ToJsonString()}"),
    };

    public JsonObject RequiredObject(string path) => Object(path) ?? throw GlueError.Invalid($"{operation}: {path} is required");

    public JsonArray Array(string path, bool required = false, int max = int.MaxValue)
    {
        var array = Node(path) switch
        {
            null when required => throw GlueError.Invalid($"{operation}: {path} is required"),
            null => [],
            JsonArray a => a,
            var other => throw GlueError.Invalid($"{operation}: {path} must be a list, not {other.ToJsonString()}"),
        };
        if (array.Count > max) throw GlueError.Invalid($"{operation}: {path} may hold at most {max} items, not {array.Count}");
        return array;
    }

    /// <summary>A list of strings (partition values, names).</summary>
    public List<string> Strings(string path, bool required = false, int max = int.MaxValue) =>
        [.. Array(path, required, max).Select((n, i) => n is JsonValue v && v.TryGetValue<string>(out var s)
            ? s : throw GlueError.Invalid($"{operation}: {path}[{i}] must be a string, not {n?.ToJsonString() ?? "null"}"))];

    /// <summary>A map of strings to strings (Parameters, Arguments, Tags).</summary>
    public Dictionary<string, string> Map(string path) => Object(path) is not { } o ? [] : o.ToDictionary(kv => kv.Key,
        kv => kv.Value is JsonValue v && v.TryGetValue<string>(out var s) ? s : throw GlueError.Invalid($"{operation}: {path}.{kv.Key} must be a string"));

    /// <summary>An enum member: one of <paramref name="allowed"/> or absent.</summary>
    public string? Enum(string path, params string[] allowed) => Text(path) switch
    {
        null => null,
        var s when allowed.Contains(s) => s,
        var s => throw GlueError.Invalid($"{operation}: {path} must be one of {string.Join(", ", allowed)}, not '{s}'"),
    };

    /// <summary>The same reader over a nested object (a list item), its paths still named from the root.</summary>
    public GlueRequest Item(JsonNode? node, string path) => node is JsonObject o
        ? new GlueRequest(o, $"{operation}: {path}", region)
        : throw GlueError.Invalid($"{operation}: {path} must be an object");
}
