namespace Glint.Storage;

/// <summary>
/// A file a run's commit publishes with its targets, at its commit point and no sooner: a streaming job's record of
/// the batch it committed (the sequences it read up to), so outputs and sequences are exactly both old or both new.
/// </summary>
/// <param name="Folder">the checkpoint folder (local, or s3://bucket/prefix)</param>
/// <param name="FileName">the file written there, named by the batch</param>
/// <param name="Content">the file's text, asked for under the target lock before the commit point (after the run's gate)</param>
/// <param name="Expected">checked under the target lock before the commit point: the file's predecessor that must still be the newest (null: none yet)</param>
internal sealed record CommitCheckpoint(string Folder, string FileName, Func<string> Content, Func<bool> Expected);
