using System.Collections.Immutable;
using Glint.Common;
using Glint.Plan;
using Glint.Storage;

namespace Glint.Execution.Adaptive;

/// <summary>What one reducer task reads of a shuffle: the map output files of a bucket range, or a slice of one bucket.</summary>
internal sealed record ReducerRead(string Description, IReadOnlyList<WrittenFile> Files);

/// <summary>What one task of a shuffle join reads of each side (after a switch to broadcast: a part of one side and the whole other).</summary>
internal sealed record JoinRead(string Description, IReadOnlyList<WrittenFile> Left, IReadOnlyList<WrittenFile> Right);

/// <summary>
/// Adaptive execution (Spark's AQE) at a stage boundary: once the map stages a reducer stage reads
/// have committed, their real per-bucket sizes decide its tasks. Small neighbouring buckets are
/// coalesced up to the advisory size; a skewed join bucket is split into slices of its map outputs,
/// each joined with the whole bucket of the other side; a shuffle join whose side turned out under the
/// broadcast threshold becomes a broadcast join over the other side's map outputs. Every decision is
/// described, with the numbers behind it, for the plan as executed.
/// </summary>
internal sealed class ReducerPlanner(GlintSettings settings, int slots)
{
    /// <summary>Smallest target of a coalesced task when the data is small (Spark's coalescePartitions.minPartitionSize).</summary>
    private const long MinPartitionSize = 1L << 20;

    private readonly List<AdaptiveDecision> decisions = [];

    /// <summary>The decisions taken so far.</summary>
    public ImmutableArray<AdaptiveDecision> Decisions => [.. decisions];

    /// <summary>Target bytes of one reducer: the advisory size, lowered so that small data still gives every slot a task.</summary>
    public long Target(long totalBytes) =>
        Math.Min(settings.AdvisoryPartitionSize, Math.Max(MinPartitionSize, totalBytes / Math.Max(1, slots)));

    /// <summary>The reducers of a plain shuffle: non-empty buckets, neighbours coalesced when adaptive.</summary>
    public IReadOnlyList<ReducerRead> Shuffle(ShuffleInput shuffle, Func<int, IReadOnlyList<WrittenFile>> bucket)
    {
        // A single bucket (a global aggregate) runs even when empty: no rows still give one row.
        var buckets = Enumerable.Range(0, shuffle.Buckets).Select(b => (Bucket: b, Files: bucket(b)))
            .Where(b => b.Files.Count > 0 || shuffle.Buckets == 1).ToList();
        var one = buckets.Select(b => new ReducerRead($"bucket {b.Bucket} of {shuffle.Upstream}", b.Files)).ToList();
        if (!settings.AdaptiveEnabled || !shuffle.Adaptive || buckets.Count <= 1) return one;
        var total = buckets.Sum(b => Bytes(b.Files));
        var target = Target(total);
        var groups = Coalesce(buckets.Select(b => (b.Bucket, Bytes(b.Files))).ToList(), target);
        if (groups.Count == buckets.Count) return one;
        decisions.Add(new BucketsCoalesced(shuffle.Upstream.ToString(), buckets.Count, total, groups.Count, target));
        var files = buckets.ToDictionary(b => b.Bucket, b => b.Files);
        return groups.Select(g => new ReducerRead(Range(g, shuffle.Upstream), [.. g.SelectMany(b => files[b])])).ToList();
    }

    /// <summary>The tasks of a shuffle join: broadcast over map outputs, or buckets coalesced and skewed buckets split.</summary>
    public IReadOnlyList<JoinRead> Join(ShuffleJoinInput join, Func<StageId, int, IReadOnlyList<WrittenFile>> bucket)
    {
        var n = join.Left.Buckets;
        var left = Enumerable.Range(0, n).Select(b => bucket(join.Left.Upstream, b)).ToList();
        var right = Enumerable.Range(0, n).Select(b => bucket(join.Right.Upstream, b)).ToList();
        if (!settings.AdaptiveEnabled)
            return Enumerable.Range(0, n).Where(b => left[b].Count + right[b].Count > 0)
                .Select(b => new JoinRead($"bucket {b} of {join.Left.Upstream} ⋈ {join.Right.Upstream}", left[b], right[b])).ToList();

        if (Broadcast(join, left, right) is { } broadcast) return broadcast;

        var l = JoinSide.Of(this, left, join.Type is JoinType.Inner or JoinType.Left or JoinType.Semi or JoinType.Anti);
        var r = JoinSide.Of(this, right, join.Type is JoinType.Inner or JoinType.Right);
        var total = l.Sizes.Sum() + r.Sizes.Sum();
        var target = Target(total);
        var tasks = new List<JoinRead>();
        var run = new List<(int Bucket, long Bytes)>();
        var (coalesced, coalescedFrom) = (0, 0);
        void Flush()
        {
            foreach (var g in Coalesce(run, target))
            {
                tasks.Add(new JoinRead($"{Range(g, join.Left.Upstream)} ⋈ {join.Right.Upstream}",
                    [.. g.SelectMany(b => left[b])], [.. g.SelectMany(b => right[b])]));
                coalesced++;
            }
            run.Clear();
        }
        for (var b = 0; b < n; b++)
        {
            if (left[b].Count + right[b].Count == 0) continue;
            if (!l.Skewed.Contains(b) && !r.Skewed.Contains(b))
            {
                run.Add((b, l.Sizes[b] + r.Sizes[b]));
                coalescedFrom++;
                continue;
            }
            Flush();
            tasks.AddRange(SplitSkewed(join, b, l, r, target));
        }
        Flush();
        if (coalesced < coalescedFrom)
            decisions.Add(new BucketsCoalesced($"{join.Left.Upstream} ⋈ {join.Right.Upstream}", coalescedFrom, total, coalesced, target));
        return tasks;
    }

    /// <summary>One side of a shuffle join: its buckets' files and sizes, and which buckets are skewed (and may be split).</summary>
    private sealed record JoinSide(List<IReadOnlyList<WrittenFile>> Buckets, List<long> Sizes, HashSet<int> Skewed, string Limit)
    {
        public static JoinSide Of(ReducerPlanner planner, List<IReadOnlyList<WrittenFile>> buckets, bool splittable)
        {
            var sizes = buckets.Select(Bytes).ToList();
            var (skewed, limit) = planner.Skewed(sizes, splittable);
            return new JoinSide(buckets, sizes, skewed, limit);
        }
    }

    /// <summary>The tasks of a skewed join bucket: each slice of a skewed side joined with the other side's bucket read whole.</summary>
    private IEnumerable<JoinRead> SplitSkewed(ShuffleJoinInput join, int b, JoinSide l, JoinSide r, long target)
    {
        // Slices of a side are groups of whole map output files. A skewed bucket is cut into at least one slice per slot
        // where its files allow (so a small pool needs no lowered advisory_partition_size), but never into slices smaller
        // than an ordinary task.
        var skewedBytes = Math.Max(l.Skewed.Contains(b) ? l.Sizes[b] : 0, r.Skewed.Contains(b) ? r.Sizes[b] : 0);
        var sliceTarget = Math.Max(NonSkewedAverage(l.Sizes, r.Sizes, l.Skewed, r.Skewed),
            Math.Min(target, Math.Max(1, skewedBytes / Math.Max(1, slots))));
        var leftSlices = l.Skewed.Contains(b) ? Slices(l.Buckets[b], sliceTarget) : [l.Buckets[b]];
        var rightSlices = r.Skewed.Contains(b) ? Slices(r.Buckets[b], sliceTarget) : [r.Buckets[b]];
        var count = leftSlices.Count * rightSlices.Count;
        var files = (l.Skewed.Contains(b) ? l.Buckets[b].Count : 0) + (r.Skewed.Contains(b) ? r.Buckets[b].Count : 0);
        decisions.Add(new SkewedBucketSplit(join.Left.Upstream, join.Right.Upstream, b,
            l.Skewed.Contains(b) ? l.Sizes[b] : null, l.Skewed.Contains(b) ? l.Limit : null,
            r.Skewed.Contains(b) ? r.Sizes[b] : null, r.Skewed.Contains(b) ? r.Limit : null, count, files, sliceTarget));
        for (var i = 0; i < leftSlices.Count; i++)
            for (var j = 0; j < rightSlices.Count; j++)
                yield return new JoinRead($"bucket {b} of {join.Left.Upstream} ⋈ {join.Right.Upstream}, slice {i * rightSlices.Count + j + 1} of {count}",
                    leftSlices[i], rightSlices[j]);
    }

    /// <summary>A shuffle join as a broadcast join when a side it may build on wrote less than the broadcast threshold.</summary>
    private IReadOnlyList<JoinRead>? Broadcast(ShuffleJoinInput join, List<IReadOnlyList<WrittenFile>> left, List<IReadOnlyList<WrittenFile>> right)
    {
        if (settings.BroadcastThreshold < 0) return null;
        var leftBytes = left.Sum(Bytes);
        var rightBytes = right.Sum(Bytes);
        var canBuildRight = join.Type is JoinType.Inner or JoinType.Left or JoinType.Semi or JoinType.Anti;
        var canBuildLeft = join.Type is JoinType.Inner or JoinType.Right;
        bool buildLeft;
        if (canBuildRight && rightBytes <= settings.BroadcastThreshold && !(canBuildLeft && leftBytes < rightBytes)) buildLeft = false;
        else if (canBuildLeft && leftBytes <= settings.BroadcastThreshold) buildLeft = true;
        else return null;

        var build = (buildLeft ? left : right).SelectMany(f => f).ToList();
        var probe = (buildLeft ? right : left).SelectMany(f => f).ToList();
        var probeStage = buildLeft ? join.Right.Upstream : join.Left.Upstream;
        // The probe side is read per map task (all its buckets at once), packed to the target size: Spark's local shuffle reader.
        var target = Target(probe.Sum(f => f.Bytes));
        var parts = Slices(probe.GroupBy(f => f.AttemptFolder).SelectMany(g => g).ToList(), target, byMapTask: true);
        decisions.Add(new SwitchedToBroadcast(join.Left.Upstream, join.Right.Upstream, buildLeft, buildLeft ? leftBytes : rightBytes,
            settings.BroadcastThreshold, parts.Count));
        if (probe.Count == 0) return [];
        return parts.Select((p, i) => new JoinRead($"part {i + 1} of {parts.Count} of {probeStage} ⋈ broadcast of {(buildLeft ? join.Left.Upstream : join.Right.Upstream)}",
            buildLeft ? build : p, buildLeft ? p : build)).ToList();
    }

    /// <summary>Buckets of one side that are skewed: over skew_factor × the median bucket and over skew_threshold.</summary>
    private (HashSet<int> Buckets, string Limit) Skewed(List<long> sizes, bool splittable)
    {
        if (!splittable || sizes.Count < 2) return ([], "");
        var sorted = sizes.Order().ToList();
        var median = sorted[sorted.Count / 2];
        var limit = Math.Max((long)(settings.SkewFactor * median), settings.SkewThreshold);
        var text = $"{settings.SkewFactor.ToString("0.##", System.Globalization.CultureInfo.InvariantCulture)} × median {Common.Bytes.Format(median)} and > skew_threshold {Common.Bytes.Format(settings.SkewThreshold)}";
        return (sizes.Select((s, b) => (s, b)).Where(x => x.s > limit && x.s > 0).Select(x => x.b).ToHashSet(), text);
    }

    private static long NonSkewedAverage(List<long> left, List<long> right, HashSet<int> leftSkewed, HashSet<int> rightSkewed)
    {
        var normal = left.Where((_, b) => !leftSkewed.Contains(b)).Concat(right.Where((_, b) => !rightSkewed.Contains(b))).Where(s => s > 0).ToList();
        return normal.Count == 0 ? 0 : (long)normal.Average();
    }

    /// <summary>Neighbouring buckets packed into groups of at most <paramref name="target"/> bytes (a bucket larger than that stays alone).</summary>
    private static List<List<int>> Coalesce(List<(int Bucket, long Bytes)> buckets, long target)
    {
        var groups = new List<List<int>>();
        long size = 0;
        foreach (var (bucket, bytes) in buckets)
        {
            if (groups.Count == 0 || size + bytes > target && groups[^1].Count > 0)
            {
                groups.Add([]);
                size = 0;
            }
            groups[^1].Add(bucket);
            size += bytes;
        }
        return groups;
    }

    /// <summary>Files cut into consecutive groups of about <paramref name="target"/> bytes; by map task keeps each task's files together.</summary>
    private static List<IReadOnlyList<WrittenFile>> Slices(IReadOnlyList<WrittenFile> files, long target, bool byMapTask = false)
    {
        var units = byMapTask
            ? files.GroupBy(f => f.AttemptFolder).Select(g => g.ToList()).ToList()
            : files.Select(f => new List<WrittenFile> { f }).ToList();
        var slices = new List<IReadOnlyList<WrittenFile>>();
        var current = new List<WrittenFile>();
        long size = 0;
        foreach (var unit in units)
        {
            var bytes = unit.Sum(f => f.Bytes);
            if (current.Count > 0 && size + bytes > target)
            {
                slices.Add(current);
                current = [];
                size = 0;
            }
            current.AddRange(unit);
            size += bytes;
        }
        if (current.Count > 0) slices.Add(current);
        return slices;
    }

    private static string Range(List<int> buckets, StageId stage) =>
        buckets.Count == 1 ? $"bucket {buckets[0]} of {stage}" : $"buckets {buckets[0]}–{buckets[^1]} of {stage}";

    private static long Bytes(IReadOnlyList<WrittenFile> files) => files.Sum(f => f.Bytes);
}
