using System.Security.Cryptography;
using System.Text;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Http;

namespace Glint.Web.Glue;

/// <summary>The key pair the endpoint accepts; without one any credentials are accepted (a local endpoint, as moto's).</summary>
public sealed record GlueCredentials(string AccessKeyId, string SecretAccessKey)
{
    public const string AccessKeyVariable = "GLINT_API_ACCESS_KEY_ID", SecretVariable = "GLINT_API_SECRET_ACCESS_KEY";

    /// <summary>The pair from GLINT_API_ACCESS_KEY_ID and GLINT_API_SECRET_ACCESS_KEY, or null when neither is set.</summary>
    public static GlueCredentials? FromEnvironment()
    {
        var (id, secret) = (Environment.GetEnvironmentVariable(AccessKeyVariable), Environment.GetEnvironmentVariable(SecretVariable));
        if (string.IsNullOrEmpty(id) && string.IsNullOrEmpty(secret)) return null;
        if (string.IsNullOrEmpty(id) || string.IsNullOrEmpty(secret))
            throw new Common.ConfigException(AccessKeyVariable, $"set both {AccessKeyVariable} and {SecretVariable} (or neither, to accept any credentials)");
        return new GlueCredentials(id, secret);
    }
}

/// <summary>
/// AWS Signature Version 4 as clients sign Glue requests: the region comes from the credential scope
/// (<c>Credential=KEY/date/region/glue/aws4_request</c>); with configured credentials the signature is recomputed and must match.
/// </summary>
internal static partial class SigV4
{
    [GeneratedRegex(@"^AWS4-HMAC-SHA256\s+Credential=([^/,\s]+)/(\d{8})/([^/]+)/([^/]+)/aws4_request,\s*SignedHeaders=([^,\s]+),\s*Signature=([0-9a-f]{64})$")]
    private static partial Regex Authorization();

    /// <summary>The request's region (default <paramref name="fallback"/> when unsigned); a refused signature is a <see cref="GlueError"/>.</summary>
    public static string Check(HttpRequest request, byte[] body, GlueCredentials? credentials, string fallback)
    {
        var header = request.Headers.Authorization.ToString();
        if (header.Length == 0)
            return credentials is null ? fallback : throw new GlueError("MissingAuthenticationTokenException", "the request is not signed; this endpoint verifies SigV4 signatures");
        var m = Authorization().Match(header);
        if (!m.Success) throw new GlueError("IncompleteSignatureException", "the Authorization header is not an AWS4-HMAC-SHA256 signature");
        var (key, date, region, service, signed, signature) = (m.Groups[1].Value, m.Groups[2].Value, m.Groups[3].Value, m.Groups[4].Value, m.Groups[5].Value, m.Groups[6].Value);
        if (credentials is null) return region;
        if (key != credentials.AccessKeyId) throw new GlueError("UnrecognizedClientException", $"the access key '{key}' is not one this endpoint accepts");
        var expected = Sign(request, body, credentials.SecretAccessKey, date, region, service, signed);
        if (!CryptographicOperations.FixedTimeEquals(Encoding.ASCII.GetBytes(expected), Encoding.ASCII.GetBytes(signature)))
            throw new GlueError("InvalidSignatureException", "the request signature does not match the one computed with this endpoint's secret key");
        return region;
    }

    private static string Sign(HttpRequest request, byte[] body, string secret, string date, string region, string service, string signedHeaders)
    {
        var names = signedHeaders.Split(';');
        var headers = string.Concat(names.Select(n => $"{n}:{HeaderValue(request, n)}\n"));
        var payload = request.Headers["x-amz-content-sha256"].ToString() is { Length: > 0 } given ? given : Hex(SHA256.HashData(body));
        var canonical = $"{request.Method}\n{(request.Path.HasValue ? request.Path.Value : "/")}\n{Query(request)}\n{headers}\n{signedHeaders}\n{payload}";
        var stamp = request.Headers["x-amz-date"].ToString();
        var scope = $"{date}/{region}/{service}/aws4_request";
        var toSign = $"AWS4-HMAC-SHA256\n{stamp}\n{scope}\n{Hex(SHA256.HashData(Encoding.UTF8.GetBytes(canonical)))}";
        var k = Encoding.UTF8.GetBytes("AWS4" + secret);
        foreach (var part in new[] { date, region, service, "aws4_request" }) k = HMACSHA256.HashData(k, Encoding.UTF8.GetBytes(part));
        return Hex(HMACSHA256.HashData(k, Encoding.UTF8.GetBytes(toSign)));
    }

    private static string HeaderValue(HttpRequest request, string name) =>
        name == "host" ? request.Host.Value ?? "" : Regex.Replace(string.Join(",", request.Headers[name].Select(v => v?.Trim())), @"\s+", " ");

    private static string Query(HttpRequest request) => string.Join("&", request.Query
        .SelectMany(q => q.Value.Select(v => (K: Uri.EscapeDataString(q.Key), V: Uri.EscapeDataString(v ?? ""))))
        .OrderBy(p => p.K, StringComparer.Ordinal).ThenBy(p => p.V, StringComparer.Ordinal).Select(p => $"{p.K}={p.V}"));

    private static string Hex(byte[] bytes) => Convert.ToHexStringLower(bytes);
}
