using System.Collections.Immutable;
using Glint.Errors;
using Glint.Execution;
using Glint.Plan;

namespace Glint.Storage;

/// <summary>What a run committed to one target: a folder or prefix (<see cref="Folder"/>), or a database table.</summary>
public sealed record CommittedTarget(string Location, int FilesWritten, long RowsWritten, long BytesWritten, int FilesReplaced)
{
    /// <summary>The folder or prefix written, for file targets.</summary>
    public WriteTarget? Folder { get; init; }

    public CommittedTarget(WriteTarget target, int filesWritten, long rowsWritten, long bytesWritten, int filesReplaced)
        : this(target.Path, filesWritten, rowsWritten, bytesWritten, filesReplaced) => Folder = target;
}

/// <summary>A target's files in place but not yet visible (no new manifest): complete or undo it.</summary>
public interface IPreparedCommit;

/// <summary>The job commit of one target, in two phases so that a run changes all its targets or none.</summary>
internal interface ITargetCommitter
{
    IPreparedCommit Prepare(IReadOnlyList<WrittenFile> files);
    CommittedTarget Complete(IPreparedCommit prepared);
    void Undo(IPreparedCommit prepared);
    /// <summary>Removes everything the run staged; the target is left as it was.</summary>
    void Abort();

    /// <summary>The committer for a target: a local folder, or an s3:// prefix.</summary>
    static ITargetCommitter For(WriteTarget target, RunContext run) =>
        ObjectStores.S3Uri.IsS3(target.Path) ? new ObjectStores.S3TargetCommitter(target, run) : new OutputCommitter(target, run);
}

/// <summary>
/// The job commit for one local target. Attempts stage their files under the target's staging folder;
/// the commit moves the winning attempts' files into place, moves what the mode replaces aside,
/// writes the manifest last and removes the staging folder. Any failure puts everything back.
/// </summary>
internal sealed class OutputCommitter : ITargetCommitter
{
    private readonly WriteTarget target;
    private readonly RunContext run;
    private readonly bool existedBefore;

    public OutputCommitter(WriteTarget target, RunContext run)
    {
        this.target = target;
        this.run = run;
        existedBefore = Directory.Exists(target.Path);
    }

    private string Staging => run.StagingFolder(target.Path);

    /// <summary>Files moved into place for a target whose manifest is not written yet: <see cref="Complete"/> or <see cref="Undo"/> it.</summary>
    public sealed class Prepared : IPreparedCommit
    {
        internal Prepared(IReadOnlyList<WrittenFile> files, Manifest? previous, List<(string From, string To)> journal, int replaced)
        {
            Files = files;
            Previous = previous;
            Journal = journal;
            Replaced = replaced;
        }

        internal IReadOnlyList<WrittenFile> Files { get; }
        internal Manifest? Previous { get; }
        internal List<(string From, string To)> Journal { get; }
        internal int Replaced { get; }
    }

    public CommittedTarget Commit(IReadOnlyList<WrittenFile> files) => Complete(Prepare(files));

    IPreparedCommit ITargetCommitter.Prepare(IReadOnlyList<WrittenFile> files) => Prepare(files);
    CommittedTarget ITargetCommitter.Complete(IPreparedCommit prepared) => Complete((Prepared)prepared);
    void ITargetCommitter.Undo(IPreparedCommit prepared) => Undo((Prepared)prepared);

    /// <summary>
    /// First phase of a commit: moves replaced entries aside and the run's files into place, keeping
    /// a journal; on failure everything moved is moved back. Several targets prepare before any completes.
    /// </summary>
    public Prepared Prepare(IReadOnlyList<WrittenFile> files)
    {
        var previous = Manifest.TryRead(target.Path);
        var replacedFolder = Path.Combine(Staging, "_replaced");
        var journal = new List<(string From, string To)>();
        try
        {
            Directory.CreateDirectory(target.Path);
            var replaced = 0;
            foreach (var entry in EntriesToReplace(files))
            {
                var aside = Path.Combine(replacedFolder, Path.GetRelativePath(target.Path, entry));
                Directory.CreateDirectory(Path.GetDirectoryName(aside)!);
                replaced += Directory.Exists(entry) ? Directory.EnumerateFiles(entry, "*", SearchOption.AllDirectories).Count() : 1;
                Move(entry, aside, journal);
            }
            foreach (var file in files)
            {
                var destination = Path.Combine(target.Path, file.RelativePath);
                Directory.CreateDirectory(Path.GetDirectoryName(destination)!);
                Move(file.FullPath, destination, journal);
            }
            return new Prepared(files, previous, journal, replaced);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            RollBack(journal);
            throw new TargetException(target.Path, $"commit to '{target.Path}' failed and was rolled back: {e.Message}", e);
        }
    }

    /// <summary>Second phase: the manifest is written last, so readers that honor it see the whole output or the old one.</summary>
    public CommittedTarget Complete(Prepared prepared)
    {
        try
        {
            ManifestAfter(prepared.Files, prepared.Previous).Write(target.Path, Staging);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            RollBack(prepared.Journal);
            throw new TargetException(target.Path, $"commit to '{target.Path}' failed and was rolled back: {e.Message}", e);
        }
        Cleanup(deleteEmptyTarget: false);
        return new CommittedTarget(target, prepared.Files.Count, prepared.Files.Sum(f => f.Rows ?? 0), prepared.Files.Sum(f => f.Bytes), prepared.Replaced);
    }

    /// <summary>Undoes a prepared commit (another target of the run failed to commit): the target is as it was.</summary>
    public void Undo(Prepared prepared) => RollBack(prepared.Journal);

    private void RollBack(List<(string From, string To)> journal)
    {
        for (var i = journal.Count - 1; i >= 0; i--)
        {
            try { MovePath(journal[i].To, journal[i].From); } catch (IOException) { }
        }
        Abort();
    }

    /// <summary>Removes everything this run staged; the target is left as it was before the run.</summary>
    public void Abort() => Cleanup(deleteEmptyTarget: !existedBefore);

    private IEnumerable<string> EntriesToReplace(IReadOnlyList<WrittenFile> files)
    {
        if (!Directory.Exists(target.Path)) return [];
        var data = Directory.EnumerateFileSystemEntries(target.Path).Where(e => !FileListing.IsHidden(Path.GetFileName(e)));
        switch (target.Mode)
        {
            case WriteMode.Overwrite:
            case WriteMode.OverwritePartitions when target.PartitionBy.IsEmpty:
                return data.ToList();
            case WriteMode.OverwritePartitions:
                // Replace exactly the partition folders this run wrote (all partition levels).
                var depth = target.PartitionBy.Length;
                return files
                    .Select(f => string.Join('/', f.RelativePath.Split('/').Take(depth)))
                    .Distinct()
                    .Select(p => Path.Combine(target.Path, p))
                    .Where(Directory.Exists)
                    .ToList();
            default:
                return [];
        }
    }

    private Manifest ManifestAfter(IReadOnlyList<WrittenFile> files, Manifest? previous)
    {
        var known = (previous?.Files ?? []).ToDictionary(f => f.Path, f => f.Rows);
        foreach (var f in files) known[f.RelativePath] = f.Rows;
        var all = Directory.EnumerateFiles(target.Path, "*", SearchOption.AllDirectories)
            .Select(p => Path.GetRelativePath(target.Path, p))
            .Where(p => !p.Split('/').Any(FileListing.IsHidden))
            .Order(StringComparer.Ordinal)
            .Select(p => new ManifestFile(p, known.GetValueOrDefault(p), new FileInfo(Path.Combine(target.Path, p)).Length))
            .ToImmutableArray();
        long? rows = all.All(f => f.Rows.HasValue) ? all.Sum(f => f.Rows!.Value) : null;
        return new Manifest(run.RunId.Value, DateTime.UtcNow, target.Mode.ToString(), target.Format.ToString().ToLowerInvariant(),
            target.PartitionBy, rows, all.Sum(f => f.Bytes), all);
    }

    private void Cleanup(bool deleteEmptyTarget)
    {
        if (Directory.Exists(Staging)) Directory.Delete(Staging, recursive: true);
        var stagingRoot = Path.Combine(target.Path, RunContext.StagingFolderName);
        if (Directory.Exists(stagingRoot) && !Directory.EnumerateFileSystemEntries(stagingRoot).Any())
            Directory.Delete(stagingRoot);
        if (deleteEmptyTarget && Directory.Exists(target.Path) && !Directory.EnumerateFileSystemEntries(target.Path).Any())
            Directory.Delete(target.Path);
    }

    private static void Move(string from, string to, List<(string, string)> journal)
    {
        MovePath(from, to);
        journal.Add((from, to));
    }

    private static void MovePath(string from, string to)
    {
        if (Directory.Exists(from)) Directory.Move(from, to);
        else
        {
            Directory.CreateDirectory(Path.GetDirectoryName(to)!);
            File.Move(from, to);
        }
    }
}
