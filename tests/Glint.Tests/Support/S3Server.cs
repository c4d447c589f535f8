using Glint.Common;
using Glint.Storage.ObjectStores;

namespace Glint.Tests.Support;

/// <summary>The S3-compatible server ./test.sh starts (GLINT_TEST_S3, bucket glint-test); each caller gets a prefix of its own.</summary>
public static class S3Server
{
    public static string Endpoint =>
        Environment.GetEnvironmentVariable("GLINT_TEST_S3")
        ?? throw new InvalidOperationException("GLINT_TEST_S3 is not set: run the tests with ./test.sh, which starts an S3 server (scripts/s3.sh)");

    public static GlintSettings Settings(GlintSettings? settings = null) => (settings ?? new GlintSettings()).With("s3_endpoint", Endpoint);

    public static S3Options Options => Settings().S3;

    public static ObjectStore Store => new(Options);

    private static readonly Lazy<string> DatasetRoot = new(() =>
    {
        var prefix = NewPrefix("datasets");
        UploadFolder(System.IO.Path.GetDirectoryName(Datasets.Path("sales_parquet"))!, prefix);
        return prefix;
    });

    /// <summary>A test dataset (<see cref="Datasets"/>) as uploaded once per test process to the S3 server.</summary>
    public static string Dataset(string name) => $"{DatasetRoot.Value}/{name}";

    /// <summary>A fresh s3://glint-test/&lt;unique&gt; prefix.</summary>
    public static string NewPrefix(string name) => $"s3://glint-test/{name}-{Guid.NewGuid():N}";

    /// <summary>Uploads every file under a local folder to the prefix, keeping relative paths; returns the number of objects.</summary>
    public static int UploadFolder(string folder, string prefix)
    {
        var root = S3Uri.Parse(prefix);
        var files = Directory.GetFiles(folder, "*", SearchOption.AllDirectories);
        foreach (var file in files) Store.Upload(file, root.Child(Path.GetRelativePath(folder, file)));
        return files.Length;
    }

    /// <summary>Downloads every object under a prefix to a local folder (same relative paths), as a reader would.</summary>
    public static void DownloadPrefix(string prefix, string folder)
    {
        var root = S3Uri.Parse(prefix);
        foreach (var o in Store.List(root with { Key = root.Prefix }))
            Store.Download(o.Uri, Path.Combine(folder, o.Uri.Key[root.Prefix.Length..]), o.Size);
    }

    /// <summary>Every object under a prefix as "relative path: size".</summary>
    public static List<string> Listing(string prefix)
    {
        var root = S3Uri.Parse(prefix);
        return [.. Store.List(root with { Key = root.Prefix }).Select(o => $"{o.Uri.Key[root.Prefix.Length..]}: {o.Size}")];
    }
}
