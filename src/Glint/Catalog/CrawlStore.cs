using Glint.Common;
using Glint.Storage.ObjectStores;

namespace Glint.Catalog;

/// <summary>A data file a crawler sees: its full name (a local path or an s3:// address), size and modification time.</summary>
internal sealed record CrawlFile(string FullName, long Length, DateTime LastWriteTimeUtc)
{
    public string Name => FullName[(FullName.LastIndexOf('/') + 1)..];
}

/// <summary>
/// What a crawler walks: local folders, or the "folders" of an s3:// prefix (listed once). The layout rules
/// (<see cref="FolderLayout"/>) and the crawler are the same for both; only reading a file's bytes differs —
/// an object is downloaded to a temporary folder the first time it is needed and removed with the store.
/// </summary>
internal abstract class CrawlStore : IDisposable
{
    public static CrawlStore Open(string path, S3Options s3) =>
        S3Uri.IsS3(path) ? new ObjectCrawlStore(path.TrimEnd('/'), new ObjectStore(s3)) : new LocalCrawlStore();

    /// <summary>The root as the store names it (a full local path, or s3://bucket/prefix without a trailing slash).</summary>
    public abstract string Root(string path);
    public abstract bool IsFolder(string path);
    public abstract IReadOnlyList<string> Folders(string folder);
    public abstract IReadOnlyList<CrawlFile> Files(string folder);
    /// <summary>A local file holding the data file's bytes.</summary>
    public abstract string Local(CrawlFile file);
    /// <summary>Whether reading every file of a partition is cheap (local) or means downloading it (objects: one sample file is read).</summary>
    public abstract bool ReadsAreLocal { get; }

    public static string Name(string path) => path[(path.TrimEnd('/').LastIndexOf('/') + 1)..];

    /// <summary><paramref name="path"/> relative to <paramref name="root"/> with forward slashes; "." for the root itself.</summary>
    public static string Relative(string root, string path) =>
        path == root ? "." : path.StartsWith(root + "/", StringComparison.Ordinal) ? path[(root.Length + 1)..] : Path.GetRelativePath(root, path);

    public virtual void Dispose() { }

    private sealed class LocalCrawlStore : CrawlStore
    {
        public override string Root(string path) => Path.GetFullPath(path);
        public override bool IsFolder(string path) => Directory.Exists(path);
        public override IReadOnlyList<string> Folders(string folder) =>
            [.. new DirectoryInfo(folder).EnumerateDirectories().Where(d => !FolderLayout.IsIgnored(d.Name)).Select(d => d.FullName)];
        public override IReadOnlyList<CrawlFile> Files(string folder) =>
            [.. new DirectoryInfo(folder).EnumerateFiles().Where(f => !FolderLayout.IsIgnored(f.Name)).Select(f => new CrawlFile(f.FullName, f.Length, f.LastWriteTimeUtc))];
        public override string Local(CrawlFile file) => file.FullName;
        public override bool ReadsAreLocal => true;
    }

    private sealed class ObjectCrawlStore : CrawlStore
    {
        private readonly ObjectStore store;
        private readonly Dictionary<string, List<CrawlFile>> files = new(StringComparer.Ordinal);
        private readonly Dictionary<string, SortedSet<string>> folders = new(StringComparer.Ordinal);
        private readonly string cache = Path.Combine(Path.GetTempPath(), "glint-crawl-" + Guid.NewGuid().ToString("N")[..12]);

        public ObjectCrawlStore(string root, ObjectStore store)
        {
            this.store = store;
            var uri = S3Uri.Parse(root);
            foreach (var o in store.List(uri with { Key = uri.Prefix }))
            {
                var relative = o.Uri.Key[uri.Prefix.Length..];
                if (relative.Length == 0 || relative.EndsWith('/') || relative.Split('/').Any(FolderLayout.IsIgnored)) continue;
                var segments = relative.Split('/');
                var folder = root;
                for (var i = 0; i < segments.Length - 1; i++)
                {
                    var child = folder + "/" + segments[i];
                    if (!folders.TryGetValue(folder, out var set)) folders[folder] = set = new(StringComparer.Ordinal);
                    set.Add(child);
                    folder = child;
                }
                if (!files.TryGetValue(folder, out var list)) files[folder] = list = [];
                list.Add(new CrawlFile(o.Uri.ToString(), o.Size, o.ModifiedUtc));
            }
        }

        public override string Root(string path) => path.TrimEnd('/');
        public override bool IsFolder(string path) => files.ContainsKey(path) || folders.ContainsKey(path);
        public override IReadOnlyList<string> Folders(string folder) => folders.TryGetValue(folder, out var set) ? [.. set] : [];
        public override IReadOnlyList<CrawlFile> Files(string folder) => files.TryGetValue(folder, out var list) ? list : [];
        public override bool ReadsAreLocal => false;

        public override string Local(CrawlFile file)
        {
            var local = Path.Combine(cache, file.FullName["s3://".Length..]);
            if (!File.Exists(local)) store.Download(S3Uri.Parse(file.FullName), local, file.Length);
            return local;
        }

        public override void Dispose()
        {
            if (Directory.Exists(cache)) Directory.Delete(cache, recursive: true);
        }
    }
}
