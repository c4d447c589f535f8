using System.Collections.Immutable;

namespace Glint.Storage;

/// <summary>
/// The commit of a local folder target. The run's files are moved into place under names unique to the run, next to
/// the old files, which stay until the new <c>_SUCCESS</c> manifest is published: Glint reads a folder through its
/// manifest, so until then it sees the old version, and afterwards the new one. Only then are replaced files deleted.
/// </summary>
internal sealed record FolderIntent(string Path, string Staging, bool Existed, ImmutableArray<PlacedFile> Placed,
    ImmutableArray<string> Replaced, Manifest? Manifest) : TargetIntent
{
    public override string Location => Path;

    /// <summary>Moves the staged files into the target; the manifest still names the old version.</summary>
    public void Place(CommitTrace trace)
    {
        var done = 0;
        foreach (var file in Placed)
        {
            var destination = System.IO.Path.Combine(Path, file.Path);
            if (!File.Exists(destination))
            {
                Directory.CreateDirectory(System.IO.Path.GetDirectoryName(destination)!);
                File.Move(file.From, destination);
            }
            trace.Progress("placed", ++done);
        }
    }

    public override CommittedTarget Outcome => Committed(Path, Placed, Replaced.Length);

    public override void Publish(Common.S3Options s3, CommitTrace trace)
    {
        Manifest!.Write(Path, Staging);
        trace.Step($"manifest {Path}");
        var done = 0;
        foreach (var relative in Replaced)
        {
            File.Delete(System.IO.Path.Combine(Path, relative));
            trace.Progress("deleted", ++done);
        }
        RemoveEmptyFolders(Replaced);
        RemoveStaging();
    }

    public override void RollBack(Common.S3Options s3)
    {
        foreach (var file in Placed) File.Delete(System.IO.Path.Combine(Path, file.Path));
        RemoveEmptyFolders(Placed.Select(p => p.Path));
        RemoveStaging();
        if (!Existed && Directory.Exists(Path) && !Directory.EnumerateFileSystemEntries(Path).Any()) Directory.Delete(Path);
    }

    /// <summary>Partition folders left empty by deleted files, deepest first (never the target itself).</summary>
    private void RemoveEmptyFolders(IEnumerable<string> relativeFiles)
    {
        var folders = new SortedSet<string>(StringComparer.Ordinal);
        foreach (var file in relativeFiles)
            for (var dir = System.IO.Path.GetDirectoryName(file); !string.IsNullOrEmpty(dir); dir = System.IO.Path.GetDirectoryName(dir))
                folders.Add(dir);
        foreach (var folder in folders.Reverse())
        {
            var full = System.IO.Path.Combine(Path, folder);
            if (Directory.Exists(full) && !Directory.EnumerateFileSystemEntries(full).Any()) Directory.Delete(full);
        }
    }

    private void RemoveStaging()
    {
        if (Directory.Exists(Staging)) Directory.Delete(Staging, recursive: true);
        var root = System.IO.Path.GetDirectoryName(Staging)!;
        if (Directory.Exists(root) && System.IO.Path.GetFileName(root) == RunContext.StagingFolderName
            && !Directory.EnumerateFileSystemEntries(root).Any())
            Directory.Delete(root);
    }
}
