using System.Collections.Immutable;
using Glint.Common;

namespace Glint.Storage;

/// <summary>The job commit for a local folder target (see <see cref="FolderIntent"/> for the protocol).</summary>
internal sealed class FolderTargetCommitter(WriteTarget target, RunContext run) : ITargetCommitter
{
    private readonly bool existed = Directory.Exists(target.Path);

    private string Staging => run.StagingFolder(target.Path);

    public TargetIntent Staged => new FolderIntent(target.Path, Staging, existed, [], [], null);

    public TargetIntent Plan(IReadOnlyList<WrittenFile> files)
    {
        var previous = Manifest.TryRead(target.Path);
        var existing = DataFiles(target.Path);
        var replaced = existing.Where(f => Replaces(f, files)).ToHashSet(StringComparer.Ordinal);
        var placed = files.Select(f => new PlacedFile(f.FullPath, f.RelativePath, f.Rows, f.Bytes)).ToImmutableArray();
        var clash = placed.FirstOrDefault(p => existing.Contains(p.Path));
        if (clash is not null)
            throw new TargetException(target.Path, $"commit to '{target.Path}' refused: '{clash.Path}' already exists there");
        var rows = (previous?.Files ?? []).ToDictionary(f => f.Path, f => f.Rows);
        var kept = existing.Where(f => !replaced.Contains(f))
            .Select(f => new ManifestFile(f, rows.GetValueOrDefault(f), new FileInfo(Path.Combine(target.Path, f)).Length));
        var all = kept.Concat(placed.Select(p => new ManifestFile(p.Path, p.Rows, p.Bytes))).OrderBy(f => f.Path, StringComparer.Ordinal).ToImmutableArray();
        var manifest = new Manifest(run.RunId.Value, DateTime.UtcNow, target.Mode.ToString(), target.Format.ToString().ToLowerInvariant(),
            target.PartitionBy, all.All(f => f.Rows.HasValue) ? all.Sum(f => f.Rows!.Value) : null, all.Sum(f => f.Bytes), all);
        return new FolderIntent(target.Path, Staging, existed, placed, [.. replaced.Order(StringComparer.Ordinal)], manifest);
    }

    public TargetIntent Place(TargetIntent intent, CommitTrace trace)
    {
        Guard(() => ((FolderIntent)intent).Place(trace), "failed and was rolled back");
        return intent;
    }

    public CommittedTarget Outcome(TargetIntent intent) => intent.Outcome with { Folder = target };

    public void Publish(TargetIntent intent, CommitTrace trace) =>
        Guard(() => intent.Publish(run.Settings.S3, trace), "was committed, but publishing it failed (the next Glint process finishes it)");

    public void RollBack(TargetIntent intent)
    {
        try { intent.RollBack(run.Settings.S3); }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException) { } // recovery by the next process finishes it
    }

    /// <summary>Data files under a folder (relative, '/'-separated), skipping hidden entries.</summary>
    internal static HashSet<string> DataFiles(string folder)
    {
        if (!Directory.Exists(folder)) return new HashSet<string>(StringComparer.Ordinal);
        return Directory.EnumerateFiles(folder, "*", SearchOption.AllDirectories)
            .Select(p => Path.GetRelativePath(folder, p))
            .Where(p => !p.Split('/').Any(FileListing.IsHidden))
            .ToHashSet(StringComparer.Ordinal);
    }

    private bool Replaces(string relative, IReadOnlyList<WrittenFile> files) => target.Mode switch
    {
        WriteMode.Overwrite => true,
        WriteMode.OverwritePartitions when target.PartitionBy.IsEmpty => true,
        // Exactly the partition folders this run wrote (all partition levels).
        WriteMode.OverwritePartitions => PartitionsWritten(files).Contains(PartitionOf(relative)),
        _ => false,
    };

    private HashSet<string>? partitions;

    private HashSet<string> PartitionsWritten(IReadOnlyList<WrittenFile> files) => partitions ??=
        files.Select(f => PartitionOf(f.RelativePath)).ToHashSet(StringComparer.Ordinal);

    private string PartitionOf(string relative) => string.Join('/', relative.Split('/').Take(target.PartitionBy.Length)) + "/";

    private void Guard(Action step, string outcome)
    {
        try { step(); }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new TargetException(target.Path, $"commit to '{target.Path}' {outcome}: {e.Message}", e);
        }
    }
}
