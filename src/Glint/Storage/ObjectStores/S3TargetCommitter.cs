using System.Collections.Immutable;
using Glint.Common;

namespace Glint.Storage.ObjectStores;

/// <summary>
/// The job commit for an s3:// target. S3 has no rename, so each task uploads its attempt's files under the target's
/// hidden staging prefix as it ends; placing copies the winning attempts' objects server-side to their final keys
/// (names unique to the run, so nothing existing is touched); publishing writes the <c>_SUCCESS</c> manifest — Glint
/// reads a prefix through it — and only then deletes what the write mode replaces, and the staging prefix. Rolling back
/// deletes what was copied and staged.
/// </summary>
internal sealed class S3TargetCommitter(WriteTarget target, RunContext run) : ITargetCommitter
{
    private readonly S3Uri root = S3Uri.Parse(target.Path);
    private readonly ObjectStore store = new(run.Settings.S3);

    /// <summary>Whether the prefix already holds data objects (anything but hidden metadata).</summary>
    public static bool HasData(WriteTarget target, S3Options s3) => Data(new ObjectStore(s3), S3Uri.Parse(target.Path)).Any();

    private static IEnumerable<(StoredObject Object, string Relative)> Data(ObjectStore store, S3Uri root) =>
        store.List(root with { Key = root.Prefix })
            .Select(o => (o, Relative: o.Uri.Key[root.Prefix.Length..]))
            .Where(o => o.Relative.Length > 0 && !o.Relative.Split('/').Any(FileListing.IsHidden));

    public TargetIntent Staged => new ObjectStoreIntent(target.Path, run.StagingFolder(target.Path), [], [], null);

    public TargetIntent Plan(IReadOnlyList<WrittenFile> files)
    {
        try
        {
            var previous = Manifest.TryRead(target.Path, run.Settings.S3);
            var existing = Data(store, root).ToList();
            var written = files.Select(f => f.RelativePath).ToHashSet(StringComparer.Ordinal);
            var replaced = existing.Where(e => Replaces(e.Relative, files)).ToList();
            var rows = (previous?.Files ?? []).ToDictionary(f => f.Path, f => f.Rows);
            var kept = existing.Where(e => !replaced.Contains(e) && !written.Contains(e.Relative))
                .Select(e => new ManifestFile(e.Relative, rows.GetValueOrDefault(e.Relative), e.Object.Size));
            var all = kept.Concat(files.Select(f => new ManifestFile(f.RelativePath, f.Rows, f.Bytes)))
                .OrderBy(f => f.Path, StringComparer.Ordinal).ToImmutableArray();
            var manifest = new Manifest(run.RunId.Value, DateTime.UtcNow, target.Mode.ToString(), target.Format.ToString().ToLowerInvariant(),
                target.PartitionBy, all.All(f => f.Rows.HasValue) ? all.Sum(f => f.Rows!.Value) : null, all.Sum(f => f.Bytes), all);
            return new ObjectStoreIntent(target.Path, run.StagingFolder(target.Path),
                [.. files.Select(f => new PlacedFile(f.FullPath, f.RelativePath, f.Rows, f.Bytes))], [.. replaced.Select(r => r.Relative)], manifest);
        }
        catch (GlintException e)
        {
            throw new TargetException(target.Path, $"commit to '{target.Path}' failed and was rolled back: {e.Message}", e);
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

    public TargetIntent Place(TargetIntent intent, CommitTrace trace)
    {
        try
        {
            ((ObjectStoreIntent)intent).Place(store, trace);
            return intent;
        }
        catch (Exception e) when (e is GlintException or AggregateException or IOException)
        {
            var cause = e is AggregateException a ? a.InnerExceptions[0].Message : e.Message;
            throw new TargetException(target.Path, $"commit to '{target.Path}' failed and was rolled back: {cause}", e);
        }
    }

    public CommittedTarget Outcome(TargetIntent intent) => intent.Outcome with { Folder = target };

    public void Publish(TargetIntent intent, CommitTrace trace)
    {
        try { intent.Publish(run.Settings.S3, trace); }
        catch (GlintException e)
        {
            throw new TargetException(target.Path, $"commit to '{target.Path}' was committed, but publishing it failed (the next Glint process finishes it): {e.Message}", e);
        }
    }

    public void RollBack(TargetIntent intent)
    {
        try { intent.RollBack(run.Settings.S3); }
        catch (Exception e) when (e is GlintException or IOException) { } // the next process's recovery finishes it
    }
}
