using Glint.Common;

namespace Glint.Execution.Adaptive;

/// <summary>A re-planning decision adaptive execution took from the real sizes of a shuffle; rendered to one line only at the edge.</summary>
public abstract record AdaptiveDecision
{
    /// <summary>The decision as a person reads it (run summaries, the report, <c>glint runs show --plan</c>).</summary>
    public abstract string Text { get; }

    public sealed override string ToString() => Text;

    /// <summary>"1 task" or "3 tasks".</summary>
    protected static string Tasks(int n) => $"{n} task{(n == 1 ? "" : "s")}";
}

/// <summary>Neighbouring non-empty buckets of a shuffle (or of both sides of a shuffle join) read by fewer, larger reducers.</summary>
/// <param name="Exchange">what was coalesced: a map stage, or "s1 ⋈ s2" for a join</param>
internal sealed record BucketsCoalesced(string Exchange, int Buckets, long Bytes, int Reducers, long TargetBytes) : AdaptiveDecision
{
    public override string Text =>
        $"coalesced {Buckets} non-empty buckets of {Exchange} ({Common.Bytes.Format(Bytes)}) into {Tasks(Reducers)} of at most {Common.Bytes.Format(TargetBytes)}";
}

/// <summary>A skewed side of one join bucket cut into slices, each joined with the other side's bucket read whole.</summary>
/// <param name="LeftBytes">the left side's bytes when the left side is skewed, else null (likewise right)</param>
/// <param name="Files">map output files of the skewed sides, which bound how finely they can be cut</param>
internal sealed record SkewedBucketSplit(StageId Left, StageId Right, int Bucket, long? LeftBytes, string? LeftLimit, long? RightBytes, string? RightLimit,
    int Reducers, int Files, long SliceBytes) : AdaptiveDecision
{
    public override string Text
    {
        get
        {
            var sides = new List<string>();
            if (LeftBytes is { } l) sides.Add($"left {Common.Bytes.Format(l)} > {LeftLimit}");
            if (RightBytes is { } r) sides.Add($"right {Common.Bytes.Format(r)} > {RightLimit}");
            var why = Reducers > 1 ? $" of about {Common.Bytes.Format(SliceBytes)}"
                : Files <= 1 ? " (its skewed side is one map output file, which cannot be cut)"
                : $" (its {Files} map output files together are within the slice size of {Common.Bytes.Format(SliceBytes)}, the average ordinary task)";
            return $"bucket {Bucket} of {Left} ⋈ {Right} is skewed ({string.Join("; ", sides)}): split into {Tasks(Reducers)}{why}";
        }
    }
}

/// <summary>A shuffle join run as a broadcast join because one side's map outputs turned out small.</summary>
/// <param name="BuildLeft">whether the left side is the one broadcast</param>
internal sealed record SwitchedToBroadcast(StageId Left, StageId Right, bool BuildLeft, long BuildBytes, long Threshold, int Reducers) : AdaptiveDecision
{
    /// <summary>The side whose map outputs every task reads in parts.</summary>
    public StageId Probe => BuildLeft ? Right : Left;

    public override string Text =>
        $"switched the shuffle join of {Left} ⋈ {Right} to a broadcast join: the {(BuildLeft ? "left" : "right")} side ({(BuildLeft ? Left : Right)}) " +
        $"wrote {Common.Bytes.Format(BuildBytes)} ≤ broadcast threshold {Common.Bytes.Format(Threshold)}; {Tasks(Reducers)} read the map outputs of {Probe}";
}
