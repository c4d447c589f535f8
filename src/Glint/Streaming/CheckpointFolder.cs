using Glint.Common;
using Glint.Storage.ObjectStores;

namespace Glint.Streaming;

/// <summary>A streaming job's checkpoint folder, local or s3://: the committed batches' files, newest last.</summary>
internal sealed class CheckpointFolder(string location, S3Options s3)
{
    /// <summary>How many batch files are kept; older ones go once a newer batch is committed.</summary>
    public const int Kept = 100;

    public string Location => location;

    /// <summary>The newest committed batch, or null when the folder holds none (a new stream, or a lost checkpoint).</summary>
    public BatchCheckpoint? Latest()
    {
        foreach (var name in Names().OrderDescending(StringComparer.Ordinal))
        {
            if (BatchCheckpoint.Parse(Read(name)) is { } checkpoint) return checkpoint;
            throw new SourceException(location, $"checkpoint '{location}': '{name}' is not a batch checkpoint; restore it, or set the sequences with glint stream reset");
        }
        return null;
    }

    /// <summary>Writes a checkpoint outside a batch's commit (glint stream reset): whole, under the next batch number.</summary>
    public void WriteDirect(BatchCheckpoint checkpoint) =>
        new Storage.CheckpointIntent(location, BatchCheckpoint.FileName(checkpoint.Batch), checkpoint.ToJson()).Publish(s3, Storage.CommitTrace.None);

    /// <summary>Removes all but the newest <see cref="Kept"/> batch files.</summary>
    public void Prune()
    {
        var old = Names().OrderDescending(StringComparer.Ordinal).Skip(Kept).ToList();
        if (old.Count == 0) return;
        if (S3Uri.IsS3(location)) new ObjectStore(s3).Delete([.. old.Select(n => S3Uri.Parse(location).Child(n))]);
        else foreach (var name in old) File.Delete(Path.Combine(location, name));
    }

    private IEnumerable<string> Names()
    {
        if (S3Uri.IsS3(location))
        {
            var prefix = S3Uri.Parse(location);
            return new ObjectStore(s3).List(prefix with { Key = prefix.Prefix }).Select(o => o.Uri.Key[prefix.Prefix.Length..])
                .Where(n => !n.Contains('/') && BatchCheckpoint.BatchOf(n) is not null).ToList();
        }
        return Directory.Exists(location)
            ? Directory.EnumerateFiles(location).Select(f => Path.GetFileName(f)).Where(n => BatchCheckpoint.BatchOf(n) is not null).ToList()
            : [];
    }

    private string Read(string name) =>
        S3Uri.IsS3(location) ? new ObjectStore(s3).ReadText(S3Uri.Parse(location).Child(name)) : File.ReadAllText(Path.Combine(location, name));
}
