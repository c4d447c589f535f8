using System.Collections.Immutable;
using Glint.Errors;
using Glint.Execution;
using Glint.Plan;

namespace Glint.Storage.ObjectStores;

/// <summary>
/// The job commit for an s3:// target. S3 has no rename, so attempts stage their files locally; the commit uploads
/// the winning attempts' files to their final keys (names unique to the run, so nothing existing is touched), then
/// writes the <c>_SUCCESS</c> manifest last — readers that honor it see the old output or the whole new one — and
/// only then deletes what the write mode replaces. A failure before the manifest deletes what was uploaded.
/// </summary>
internal sealed class S3TargetCommitter(WriteTarget target, RunContext run) : ITargetCommitter
{
    private readonly S3Uri root = S3Uri.Parse(target.Path);
    private readonly ObjectStore store = new(run.Settings.S3);

    private sealed record Prepared(IReadOnlyList<WrittenFile> Files, ImmutableArray<S3Uri> Uploaded, ImmutableArray<StoredObject> Kept,
        ImmutableArray<StoredObject> Replaced, Manifest? Previous) : IPreparedCommit;

    /// <summary>Whether the prefix already holds data objects (anything but hidden metadata).</summary>
    public static bool HasData(WriteTarget target, S3Options s3) => Data(new ObjectStore(s3), S3Uri.Parse(target.Path)).Any();

    private static IEnumerable<(StoredObject Object, string Relative)> Data(ObjectStore store, S3Uri root) =>
        store.List(root with { Key = root.Prefix })
            .Select(o => (o, Relative: o.Uri.Key[root.Prefix.Length..]))
            .Where(o => o.Relative.Length > 0 && !o.Relative.Split('/').Any(FileListing.IsHidden));

    public IPreparedCommit Prepare(IReadOnlyList<WrittenFile> files)
    {
        var uploaded = new List<S3Uri>();
        try
        {
            var previous = Manifest.TryRead(target.Path, run.Settings.S3);
            var existing = Data(store, root).ToList();
            var written = files.Select(f => f.RelativePath).ToHashSet();
            var replaced = existing.Where(e => Replaces(e.Relative, files)).ToList();
            Parallel.ForEach(files, new ParallelOptions { MaxDegreeOfParallelism = 4 }, file =>
            {
                var uri = root.Child(file.RelativePath);
                store.Upload(file.FullPath, uri);
                lock (uploaded) uploaded.Add(uri);
            });
            return new Prepared(files, [.. uploaded],
                [.. existing.Where(e => !replaced.Contains(e) && !written.Contains(e.Relative)).Select(e => e.Object)],
                [.. replaced.Select(r => r.Object)], previous);
        }
        catch (Exception e) when (e is GlintException or AggregateException or IOException)
        {
            Delete(uploaded);
            Abort();
            var cause = e is AggregateException a ? a.InnerExceptions[0].Message : e.Message;
            throw new TargetException(target.Path, $"commit to '{target.Path}' failed and was rolled back: {cause}", e);
        }
    }

    private bool Replaces(string relative, IReadOnlyList<WrittenFile> files) => target.Mode switch
    {
        WriteMode.Overwrite => true,
        WriteMode.OverwritePartitions when target.PartitionBy.IsEmpty => true,
        WriteMode.OverwritePartitions => files
            .Select(f => string.Join('/', f.RelativePath.Split('/').Take(target.PartitionBy.Length)) + "/")
            .Any(p => relative.StartsWith(p, StringComparison.Ordinal)),
        _ => false,
    };

    public CommittedTarget Complete(IPreparedCommit prepared)
    {
        var p = (Prepared)prepared;
        var rows = (p.Previous?.Files ?? []).ToDictionary(f => f.Path, f => f.Rows);
        var all = p.Kept.Select(o => new ManifestFile(o.Uri.Key[root.Prefix.Length..], rows.GetValueOrDefault(o.Uri.Key[root.Prefix.Length..]), o.Size))
            .Concat(p.Files.Select(f => new ManifestFile(f.RelativePath, f.Rows, f.Bytes)))
            .OrderBy(f => f.Path, StringComparer.Ordinal).ToImmutableArray();
        var manifest = new Manifest(run.RunId.Value, DateTime.UtcNow, target.Mode.ToString(), target.Format.ToString().ToLowerInvariant(), target.PartitionBy,
            all.All(f => f.Rows.HasValue) ? all.Sum(f => f.Rows!.Value) : null, all.Sum(f => f.Bytes), all);
        try
        {
            store.WriteText(root.Child(Manifest.FileName), manifest.ToJson());
        }
        catch (GlintException e)
        {
            Undo(prepared);
            throw new TargetException(target.Path, $"commit to '{target.Path}' failed and was rolled back: {e.Message}", e);
        }
        // The manifest now names only the new set: what it replaced can go (a failure here leaves unlisted leftovers, not wrong data).
        try { store.Delete(p.Replaced.Select(o => o.Uri)); } catch (GlintException) { }
        Abort();
        return new CommittedTarget(target, p.Files.Count, p.Files.Sum(f => f.Rows ?? 0), p.Files.Sum(f => f.Bytes), p.Replaced.Length);
    }

    public void Undo(IPreparedCommit prepared)
    {
        Delete(((Prepared)prepared).Uploaded);
        Abort();
    }

    public void Abort()
    {
        var staging = run.StagingFolder(target.Path);
        if (Directory.Exists(staging)) Directory.Delete(staging, recursive: true);
    }

    private void Delete(IEnumerable<S3Uri> uris)
    {
        try { store.Delete(uris.ToList()); } catch (GlintException) { }
    }

}
