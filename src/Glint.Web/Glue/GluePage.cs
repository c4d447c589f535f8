using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;

namespace Glint.Web.Glue;

/// <summary>NextToken/MaxResults paging as Glue clients loop over it: the token is omitted on the last page, never sent empty.</summary>
internal static class GluePage
{
    /// <summary>The page of <paramref name="items"/> the request asks for, written into <paramref name="output"/> under <paramref name="member"/>.</summary>
    /// <param name="limit">the largest MaxResults the operation accepts (a larger one is refused, as Glue does)</param>
    public static JsonObject Write<T>(GlueRequest request, IReadOnlyList<T> items, Func<T, JsonNode?> shape, string member, int limit, JsonObject? output = null)
    {
        var size = request.Int("MaxResults", 1, limit) ?? limit;
        var start = Offset(request);
        output ??= [];
        output[member] = new JsonArray([.. items.Skip(start).Take(size).Select(shape)]);
        if (start + size < items.Count) output["NextToken"] = Token(start + size);
        return output;
    }

    private static int Offset(GlueRequest request)
    {
        if (request.Text("NextToken") is not { } token) return 0;
        try
        {
            var text = Encoding.UTF8.GetString(Convert.FromBase64String(token));
            if (text.StartsWith("glint:", StringComparison.Ordinal) && int.TryParse(text[6..], NumberStyles.None, CultureInfo.InvariantCulture, out var n)) return n;
        }
        catch (FormatException) { }
        throw GlueError.Invalid($"{request.Operation}: NextToken '{token}' is not a token this endpoint gave out");
    }

    private static string Token(int offset) => Convert.ToBase64String(Encoding.UTF8.GetBytes($"glint:{offset.ToString(CultureInfo.InvariantCulture)}"));
}
