using System.Collections.Immutable;
using Glint.Common;

namespace Glint.Storage.ObjectStores;

/// <summary>
/// The commit of an s3:// target: the run's objects, uploaded by its tasks under <see cref="Staging"/> (a hidden prefix
/// of the target), copied server-side to run-unique final keys; then the manifest; then deletes what it replaced.
/// </summary>
internal sealed record ObjectStoreIntent(string Uri, string Staging, ImmutableArray<PlacedFile> Placed, ImmutableArray<string> Replaced, Manifest? Manifest)
    : TargetIntent
{
    /// <summary>Copies (or uploads) a commit runs at once; each is one request the server does the work of.</summary>
    private const int Transfers = 8;

    public override string Location => Uri;

    private S3Uri Root => S3Uri.Parse(Uri);

    /// <summary>Puts the winning attempts' objects at their final keys; the manifest still names the old version.</summary>
    public void Place(ObjectStore store, CommitTrace trace)
    {
        var done = 0;
        Parallel.ForEach(Placed, new ParallelOptions { MaxDegreeOfParallelism = Transfers }, file =>
        {
            // Staged objects are copied; a file staged locally (a journal of an older Glint) is uploaded.
            if (S3Uri.IsS3(file.From)) store.Copy(S3Uri.Parse(file.From), Root.Child(file.Path), file.Bytes);
            else store.Upload(file.From, Root.Child(file.Path));
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
        RemoveStaging(store);
    }

    public override void RollBack(S3Options s3)
    {
        var store = new ObjectStore(s3);
        if (!Placed.IsEmpty) store.Delete([.. Placed.Select(p => Root.Child(p.Path))]);
        RemoveStaging(store);
    }

    /// <summary>Every attempt's staged objects, winners and losers, listed rather than remembered: a dead process's tasks uploaded them.</summary>
    private void RemoveStaging(ObjectStore store)
    {
        if (!S3Uri.IsS3(Staging))
        {
            if (Directory.Exists(Staging)) Directory.Delete(Staging, recursive: true);
            return;
        }
        var staged = S3Uri.Parse(Staging);
        var objects = store.List(staged with { Key = staged.Prefix });
        if (!objects.IsEmpty) store.Delete(objects.Select(o => o.Uri));
    }
}
