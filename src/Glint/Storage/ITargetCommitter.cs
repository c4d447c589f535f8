namespace Glint.Storage;

/// <summary>What a run committed to one target: a folder or prefix (<see cref="Folder"/>), or a database table.</summary>
public sealed record CommittedTarget(string Location, int FilesWritten, long RowsWritten, long BytesWritten, int FilesReplaced)
{
    /// <summary>The folder or prefix written, for file targets.</summary>
    public WriteTarget? Folder { get; init; }
}

/// <summary>
/// One target's part of the job commit, driven by <see cref="Execution.Commit.CommitCoordinator"/>: plan what changes
/// (nothing touched), place the run's files where no reader looks yet, then — after the run's commit point —
/// publish, or roll back.
/// </summary>
internal interface ITargetCommitter
{
    /// <summary>What to remove if the run dies before its commit: the target's staging.</summary>
    TargetIntent Staged { get; }

    /// <summary>What the commit will do with <paramref name="files"/>; reads the target, changes nothing.</summary>
    TargetIntent Plan(IReadOnlyList<WrittenFile> files);

    /// <summary>Puts the run's files in place (readers still see the old version); returns the intent as placed.</summary>
    TargetIntent Place(TargetIntent intent, CommitTrace trace);

    /// <summary>What the commit does, for the run's summary.</summary>
    CommittedTarget Outcome(TargetIntent intent);

    /// <summary>After the run's commit point: the new version becomes visible.</summary>
    void Publish(TargetIntent intent, CommitTrace trace);

    /// <summary>Before the commit point: the target is left exactly as it was.</summary>
    void RollBack(TargetIntent intent);

    /// <summary>The committer for a target: a local folder, or an s3:// prefix.</summary>
    static ITargetCommitter For(WriteTarget target, RunContext run) =>
        Common.S3Uri.IsS3(target.Path) ? new ObjectStores.S3TargetCommitter(target, run) : new FolderTargetCommitter(target, run);
}
