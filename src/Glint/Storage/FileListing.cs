using System.Collections.Immutable;
using System.Text.RegularExpressions;
using Glint.Common;

namespace Glint.Storage;

/// <summary>Resolves a path, folder or glob to the data files it names, with the Hive partition values of each.</summary>
internal static class FileListing
{
    /// <summary>Files and folders starting with these are metadata (e.g. _SUCCESS, _glint_temporary, .crc) and never data.</summary>
    public static bool IsHidden(string name) => name.StartsWith('_') || name.StartsWith('.');

    public static bool IsGlob(string path) => path.IndexOfAny(['*', '?', '[']) >= 0;

    /// <summary>Lists the data files under <paramref name="path"/> (a local path, or s3:// with <paramref name="s3"/>), sorted by path.</summary>
    public static (string Root, ImmutableArray<SourceFile> Files) List(string path, Common.S3Options? s3 = null)
    {
        if (string.IsNullOrWhiteSpace(path))
            throw new SourceException(path, "source path is empty");
        if (Common.S3Uri.IsS3(path))
            return ListObjects(path, new ObjectStores.ObjectStore(s3 ?? Common.S3Options.FromEnvironment()));
        var full = Path.GetFullPath(path);
        if (IsGlob(full))
            return ListGlob(full);
        if (File.Exists(full))
        {
            var info = new FileInfo(full);
            return (info.DirectoryName!, [new SourceFile(full, info.Length, info.LastWriteTimeUtc, [])]);
        }
        if (!Directory.Exists(full))
            throw new SourceException(full, $"source path '{full}' does not exist");
        var files = Committed(full, EnumerateData(full).ToList(), f => Path.GetRelativePath(full, f.FullName));
        if (files.Count == 0)
            throw new SourceException(full, $"source folder '{full}' contains no data files");
        return (full, WithPartitions(full, files));
    }

    private static (string, ImmutableArray<SourceFile>) ListGlob(string pattern)
    {
        var parts = pattern.Split('/');
        var fixedCount = parts.TakeWhile(p => !IsGlob(p)).Count();
        var root = string.Join('/', parts.Take(fixedCount));
        if (root.Length == 0) root = "/";
        if (!Directory.Exists(root))
            throw new SourceException(pattern, $"source glob '{pattern}': folder '{root}' does not exist");
        var regex = GlobToRegex(string.Join('/', parts.Skip(fixedCount)));
        var files = EnumerateData(root)
            .Where(f => regex.IsMatch(Path.GetRelativePath(root, f.FullName)))
            .ToList();
        if (files.Count == 0)
            throw new SourceException(pattern, $"source glob '{pattern}' matches no data files");
        return (root, WithPartitions(root, files));
    }

    /// <summary>An s3:// object, prefix or glob: the objects under the fixed part of the path, filtered as local files are.</summary>
    private static (string, ImmutableArray<SourceFile>) ListObjects(string path, ObjectStores.ObjectStore store)
    {
        var parts = path["s3://".Length..].Split('/');
        var fixedCount = parts.TakeWhile(p => !IsGlob(p)).Count();
        var glob = fixedCount < parts.Length ? GlobToRegex(string.Join('/', parts.Skip(fixedCount))) : null;
        var root = Common.S3Uri.Parse("s3://" + string.Join('/', parts.Take(fixedCount)).TrimEnd('/'));
        // One listing of the key as a prefix answers both: is it one object, or a "folder" of them?
        var listed = root.Key.Length > 0 ? store.List(root) : store.List(root with { Key = root.Prefix });
        if (glob is null && listed.FirstOrDefault(o => o.Uri.Key == root.Key) is { } only)
        {
            var parent = root.ToString()[..root.ToString().LastIndexOf('/')];
            return (parent, [new SourceFile(root.ToString(), only.Size, only.ModifiedUtc, [])]);
        }
        var objects = listed.Where(o => o.Uri.Key.StartsWith(root.Prefix, StringComparison.Ordinal))
            .Select(o => (Object: o, Relative: o.Uri.Key[root.Prefix.Length..]))
            .Where(o => o.Relative.Length > 0 && !o.Relative.EndsWith('/') && !o.Relative.Split('/').Any(IsHidden))
            .Where(o => glob is null || glob.IsMatch(o.Relative))
            .ToList();
        var rootText = root.ToString().TrimEnd('/');
        if (glob is null) objects = Committed(rootText, objects, o => o.Relative, store.Options);
        if (objects.Count == 0)
            throw new SourceException(path, glob is null ? $"source '{path}' holds no data objects" : $"source glob '{path}' matches no data objects");
        var files = objects.Select(o => new SourceFile(o.Object.Uri.ToString(), o.Object.Size, o.Object.ModifiedUtc,
            HivePartitioning.Parse(rootText, o.Object.Uri.ToString()))).OrderBy(f => f.Path, StringComparer.Ordinal).ToImmutableArray();
        HivePartitioning.CheckConsistent(rootText, files);
        return (rootText, files);
    }

    /// <summary>
    /// The files of a folder (or prefix) Glint wrote, as its <c>_SUCCESS</c> manifest names them: a run's files that
    /// are in place but not yet committed (or the old files a committed overwrite has yet to delete) are not data.
    /// A folder without a Glint manifest is read as it is.
    /// </summary>
    public static List<T> Committed<T>(string root, List<T> listed, Func<T, string> relative, Common.S3Options? s3 = null)
    {
        var manifest = Manifest.TryRead(root, s3);
        if (manifest is null) return listed;
        var named = manifest.Files.Select(f => f.Path).ToHashSet(StringComparer.Ordinal);
        return listed.Where(f => named.Contains(relative(f))).ToList();
    }

    private static IEnumerable<FileInfo> EnumerateData(string root)
    {
        var stack = new Stack<DirectoryInfo>();
        stack.Push(new DirectoryInfo(root));
        while (stack.Count > 0)
        {
            var dir = stack.Pop();
            foreach (var entry in dir.EnumerateFileSystemInfos())
            {
                if (IsHidden(entry.Name)) continue;
                if (entry is DirectoryInfo sub) stack.Push(sub);
                else if (entry is FileInfo file) yield return file;
            }
        }
    }

    private static ImmutableArray<SourceFile> WithPartitions(string root, List<FileInfo> files)
    {
        var result = files
            .OrderBy(f => f.FullName, StringComparer.Ordinal)
            .Select(f => new SourceFile(f.FullName, f.Length, f.LastWriteTimeUtc, HivePartitioning.Parse(root, f.FullName)))
            .ToImmutableArray();
        HivePartitioning.CheckConsistent(root, result);
        return result;
    }

    internal static Regex GlobToRegex(string glob)
    {
        var sb = new System.Text.StringBuilder("^");
        for (var i = 0; i < glob.Length; i++)
        {
            var c = glob[i];
            if (c == '*' && i + 1 < glob.Length && glob[i + 1] == '*')
            {
                // "**/" matches any number of folders, including none.
                var slash = i + 2 < glob.Length && glob[i + 2] == '/';
                sb.Append(slash ? "(?:.*/)?" : ".*");
                i += slash ? 2 : 1;
            }
            else if (c == '*') sb.Append("[^/]*");
            else if (c == '?') sb.Append("[^/]");
            else if (c == '[')
            {
                var end = glob.IndexOf(']', i);
                if (end < 0) sb.Append("\\[");
                else { sb.Append(glob, i, end - i + 1); i = end; }
            }
            else sb.Append(Regex.Escape(c.ToString()));
        }
        return new Regex(sb.Append('$').ToString(), RegexOptions.CultureInvariant);
    }
}
