using Glint.Common;

namespace Glint.Storage;

/// <summary>
/// The commit of a checkpoint file: the journal carries its text, so publishing (after the commit point, by this
/// process or by recovery) writes it whole — a temporary file renamed into place, or one object put — and repeating
/// that is harmless. Before the commit point nothing was written, so rolling back has nothing to remove.
/// </summary>
internal sealed record CheckpointIntent(string Folder, string FileName, string Content) : TargetIntent
{
    public override string Location => Folder;

    public override CommittedTarget Outcome => new(Folder, 0, 0, 0, 0);

    public override void Publish(S3Options s3, CommitTrace trace)
    {
        if (S3Uri.IsS3(Folder))
        {
            var folder = S3Uri.Parse(Folder);
            new ObjectStores.ObjectStore(s3).WriteText(folder.Child(FileName), Content);
        }
        else
        {
            Directory.CreateDirectory(Folder);
            var path = Path.Combine(Folder, FileName);
            var temporary = path + ".tmp";
            using (var stream = new FileStream(temporary, FileMode.Create, FileAccess.Write))
            {
                stream.Write(System.Text.Encoding.UTF8.GetBytes(Content));
                stream.Flush(flushToDisk: true);
            }
            File.Move(temporary, path, overwrite: true);
        }
        trace.Step($"checkpoint {FileName}");
    }

    public override void RollBack(S3Options s3) { }
}

/// <summary>A checkpoint's part of the job commit: nothing to place, a check that no other run committed first, the file at publish.</summary>
internal sealed class CheckpointCommitter(CommitCheckpoint checkpoint, S3Options s3) : ITargetCommitter
{
    public TargetIntent Staged => new CheckpointIntent(checkpoint.Folder, checkpoint.FileName, "");

    public TargetIntent Plan(IReadOnlyList<WrittenFile> files) =>
        checkpoint.Expected()
            ? new CheckpointIntent(checkpoint.Folder, checkpoint.FileName, checkpoint.Content())
            : throw new TargetException(checkpoint.Folder, $"checkpoint '{checkpoint.Folder}' gained a batch while this one ran (another process runs the same stream?); this batch was undone and runs again from the new checkpoint");

    public TargetIntent Place(TargetIntent intent, CommitTrace trace) => intent;

    public CommittedTarget Outcome(TargetIntent intent) => intent.Outcome;

    public void Publish(TargetIntent intent, CommitTrace trace) => intent.Publish(s3, trace);

    public void RollBack(TargetIntent intent) { }
}
