using System.Text.Json.Nodes;

namespace Glint.Web.Glue;

/// <summary>Writing output shapes: timestamps as epoch seconds (JSON numbers, milliseconds as the fraction), members only when they have a value.</summary>
internal static class GlueJson
{
    public static JsonNode Time(DateTimeOffset time) => JsonValue.Create(time.ToUnixTimeMilliseconds() / 1000.0);

    public static JsonObject Map(IEnumerable<KeyValuePair<string, string>> map) => new(map.Select(kv => KeyValuePair.Create(kv.Key, (JsonNode?)kv.Value)));

    public static JsonArray Strings(IEnumerable<string?> items) => new([.. items.Select(i => (JsonNode?)i)]);

    /// <summary>Sets <paramref name="name"/> unless <paramref name="value"/> is null (a client that did not set a member does not get it back).</summary>
    public static JsonObject Put(this JsonObject o, string name, JsonNode? value)
    {
        if (value is not null) o[name] = value;
        return o;
    }

    /// <summary>A deep copy of a kept document (nodes belong to one parent).</summary>
    public static JsonObject Copy(JsonObject? o) => o is null ? [] : (JsonObject)o.DeepClone();

    public static JsonObject Parse(string? document) => document is null ? [] : JsonNode.Parse(document) as JsonObject ?? [];
}
