using System.Collections.Immutable;
using Glint.Common;

namespace Glint.Storage.ObjectStores;

/// <summary>The commit of an s3:// target: uploads under run-unique keys, then the manifest, then deletes what it replaced.</summary>
internal sealed record ObjectStoreIntent(string Uri, string Staging, ImmutableArray<PlacedFile> Placed, ImmutableArray<string> Replaced, Manifest? Manifest)
    : TargetIntent
{
    public override string Location => Uri;

    private S3Uri Root => S3Uri.Parse(Uri);

    /// <summary>Uploads the staged files to their final keys; the manifest still names the old version.</summary>
    public void Place(ObjectStore store, CommitTrace trace)
    {
        var done = 0;
        Parallel.ForEach(Placed, new ParallelOptions { MaxDegreeOfParallelism = 4 }, file =>
        {
            store.Upload(file.From, Root.Child(file.Path));
            trace.Progress("placed", Interlocked.Increment(ref done));
        });
    }

    public override CommittedTarget Outcome => Committed(Uri, Placed, Replaced.Length);

    public override void Publish(S3Options s3, CommitTrace trace)
    {
        var store = new ObjectStore(s3);
        store.WriteText(Root.Child(Manifest.FileName), Manifest!.ToJson());
        trace.Step($"manifest {Uri}");
        // The manifest names only the new set: what it replaced can go.
        foreach (var batch in Replaced.Chunk(100))
        {
            store.Delete([.. batch.Select(Root.Child)]);
            trace.Step($"deleted {batch.Length}");
        }
        if (Directory.Exists(Staging)) Directory.Delete(Staging, recursive: true);
    }

    public override void RollBack(S3Options s3)
    {
        if (!Placed.IsEmpty) new ObjectStore(s3).Delete([.. Placed.Select(p => Root.Child(p.Path))]);
        if (Directory.Exists(Staging)) Directory.Delete(Staging, recursive: true);
    }
}
