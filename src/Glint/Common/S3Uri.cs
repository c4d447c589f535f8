namespace Glint.Common;

/// <summary>An object or prefix in an S3-compatible store: <c>s3://bucket/key</c>.</summary>
public sealed record S3Uri(string Bucket, string Key)
{
    public static bool IsS3(string? path) => path is not null && path.StartsWith("s3://", StringComparison.OrdinalIgnoreCase);

    public static S3Uri Parse(string path)
    {
        if (!IsS3(path)) throw new SourceException(path, $"'{path}' is not an s3:// address");
        var rest = path["s3://".Length..];
        var slash = rest.IndexOf('/');
        var bucket = slash < 0 ? rest : rest[..slash];
        var key = slash < 0 ? "" : rest[(slash + 1)..];
        if (bucket.Length == 0) throw new SourceException(path, $"'{path}' names no bucket (s3://bucket/prefix)");
        if (key.Split('/').Any(s => s is "." or ".."))
            throw new SourceException(path, $"'{path}' has a '.' or '..' segment; S3 keys are not folders to climb");
        return new S3Uri(bucket, key);
    }

    /// <summary>The key as a folder prefix: empty or ending in '/'.</summary>
    public string Prefix => Key.Length == 0 || Key.EndsWith('/') ? Key : Key + "/";

    /// <summary>The object under this prefix at a relative path (forward slashes).</summary>
    public S3Uri Child(string relative) => this with { Key = Prefix + relative.Replace('\\', '/').TrimStart('/') };

    public override string ToString() => $"s3://{Bucket}/{Key}";
}
