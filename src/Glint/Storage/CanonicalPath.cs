namespace Glint.Storage;

/// <summary>
/// A location by identity, not spelling: local paths made absolute with <c>.</c>/<c>..</c> and trailing separators
/// removed and every symbolic link on the way resolved (as far as the path exists); s3:// URIs as bucket and key
/// prefix without a trailing slash. Two spellings of one folder compare equal.
/// </summary>
internal static class CanonicalPath
{
    public static string Of(string path)
    {
        if (Common.S3Uri.IsS3(path))
        {
            var uri = Common.S3Uri.Parse(path);
            return $"s3://{uri.Bucket}/{string.Join('/', uri.Key.Split('/', StringSplitOptions.RemoveEmptyEntries))}".TrimEnd('/');
        }
        var full = Path.TrimEndingDirectorySeparator(Path.GetFullPath(path));
        // Resolve links from the root down: the deepest part that exists is resolved, the rest appended as written.
        var existing = full;
        var rest = new Stack<string>();
        while (!Directory.Exists(existing) && !File.Exists(existing))
        {
            var parent = Path.GetDirectoryName(existing);
            if (parent is null) return full;
            rest.Push(Path.GetFileName(existing));
            existing = parent;
        }
        var resolved = Resolve(existing);
        while (rest.Count > 0) resolved = Path.Combine(resolved, rest.Pop());
        return resolved;
    }

    /// <summary>Whether <paramref name="path"/> is <paramref name="folder"/> or lies inside it (both canonical).</summary>
    public static bool IsSameOrInside(string path, string folder) =>
        path == folder || path.StartsWith(folder.TrimEnd('/') + "/", StringComparison.Ordinal);

    private static string Resolve(string existing)
    {
        var parent = Path.GetDirectoryName(existing);
        var here = parent is null ? existing : Path.Combine(Resolve(parent), Path.GetFileName(existing));
        FileSystemInfo info = Directory.Exists(here) ? new DirectoryInfo(here) : new FileInfo(here);
        if (info.LinkTarget is null) return here;
        var target = info.ResolveLinkTarget(returnFinalTarget: true);
        return target is null ? here : Resolve(Path.TrimEndingDirectorySeparator(Path.GetFullPath(target.FullName)));
    }
}
