using System.Collections.Immutable;
using System.Text.Json.Serialization;

namespace Glint.Storage;

/// <summary>One file a run places into a target: staged at <see cref="From"/>, published at <see cref="Path"/> (relative to the target).</summary>
internal sealed record PlacedFile(string From, string Path, long? Rows, long Bytes);

/// <summary>
/// What a run's commit does to one target, written to the run's journal before the target is touched, so that any
/// later process can finish it (<see cref="Publish"/>, once the run passed its commit point) or undo it
/// (<see cref="RollBack"/>). Both are idempotent: recovery may repeat a step a dead process had begun.
/// </summary>
[JsonPolymorphic(TypeDiscriminatorPropertyName = "kind")]
[JsonDerivedType(typeof(FolderIntent), "folder")]
[JsonDerivedType(typeof(ObjectStores.ObjectStoreIntent), "s3")]
[JsonDerivedType(typeof(Databases.DatabaseIntent), "database")]
[JsonDerivedType(typeof(CheckpointIntent), "checkpoint")]
internal abstract record TargetIntent
{
    /// <summary>The folder, prefix or table written.</summary>
    public abstract string Location { get; }

    /// <summary>What the commit did, for the run's summary.</summary>
    [JsonIgnore]
    public abstract CommittedTarget Outcome { get; }

    /// <summary>After the commit point: makes the new version the visible one and removes what it replaced.</summary>
    public abstract void Publish(Common.S3Options s3, CommitTrace trace);

    /// <summary>Before the commit point: removes everything the run placed or staged; the target is as it was.</summary>
    public abstract void RollBack(Common.S3Options s3);

    /// <summary>How many files this commit places, replaces, and its rows and bytes.</summary>
    protected static CommittedTarget Committed(string location, ImmutableArray<PlacedFile> placed, int replaced) =>
        new(location, placed.Length, placed.Sum(f => f.Rows ?? 0), placed.Sum(f => f.Bytes), replaced);
}
