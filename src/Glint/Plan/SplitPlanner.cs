using System.Collections.Immutable;
using Glint.Common;
using Glint.Engine;
using Glint.Storage;

namespace Glint.Plan;

/// <summary>
/// Packs a source's files into input splits the way Spark does: the split size is the smaller of
/// max partition bytes and total bytes / min partitions (never below the open cost); each file costs
/// its size plus the open cost; files are packed in path order (so a split rarely spans two Hive
/// partitions) and a split closes when the next file would overflow it.
/// </summary>
internal static class SplitPlanner
{
    public static ImmutableArray<InputSplit> Plan(FileSource source, GlintSettings settings, int slots)
    {
        if (!settings.GroupFiles)
            return source.Files.Select((f, i) => new InputSplit(i, [new FileSlice(f, null, f.Length)])).ToImmutableArray();

        var minPartitions = settings.MinPartitions > 0 ? settings.MinPartitions : 2 * slots;
        var maxSplitBytes = SplitSize(source, settings, minPartitions);
        var whole = source.Files.Select(f => new FileSlice(f, null, f.Length)).ToList();
        var splits = Pack(whole, maxSplitBytes, settings.OpenCostInBytes);

        // Reading part of a Parquet file costs more than its share (NOTES.md), so split large files only when slots would idle.
        // Row groups of an s3:// object are not known without downloading its footer: objects are split whole.
        if (settings.SplitLargeFiles && source.Format == FileFormat.Parquet && source.S3 is null && splits.Length < slots
            && source.Files.Any(f => f.Length > maxSplitBytes))
        {
            var sliced = source.Files.SelectMany(f => f.Length > maxSplitBytes ? RowGroupSlices(f, maxSplitBytes) : [new FileSlice(f, null, f.Length)]).ToList();
            splits = Pack(sliced, maxSplitBytes, settings.OpenCostInBytes);
        }
        return splits;
    }

    public static long SplitSize(FileSource source, GlintSettings settings, int minPartitions)
    {
        var total = source.Files.Sum(f => f.Length + settings.OpenCostInBytes);
        return Math.Min(settings.MaxPartitionBytes, Math.Max(settings.OpenCostInBytes, total / Math.Max(1, minPartitions)));
    }

    private static ImmutableArray<InputSplit> Pack(List<FileSlice> slices, long maxSplitBytes, long openCost)
    {
        var splits = ImmutableArray.CreateBuilder<InputSplit>();
        var current = new List<FileSlice>();
        long currentBytes = 0;
        foreach (var slice in slices)
        {
            if (current.Count > 0 && currentBytes + slice.Bytes > maxSplitBytes)
            {
                splits.Add(new InputSplit(splits.Count, [.. current]));
                current.Clear();
                currentBytes = 0;
            }
            current.Add(slice);
            currentBytes += slice.Bytes + openCost;
        }
        if (current.Count > 0) splits.Add(new InputSplit(splits.Count, [.. current]));
        return splits.ToImmutable();
    }

    /// <summary>Row-group-aligned ranges of a Parquet file of about <paramref name="target"/> bytes each.</summary>
    private static IEnumerable<FileSlice> RowGroupSlices(SourceFile file, long target)
    {
        var groups = DuckDbInstances.OnDriver(c => c.Query(
            "SELECT row_group_id, max(row_group_num_rows)::BIGINT, max(row_group_bytes)::BIGINT " +
            $"FROM parquet_metadata({Sql.Literal(file.Path)}) GROUP BY row_group_id ORDER BY row_group_id"));
        if (groups.Count <= 1)
            return [new FileSlice(file, null, file.Length)];
        var totalGroupBytes = Math.Max(1, groups.Sum(g => (long)g[2]!));
        var slices = new List<FileSlice>();
        long first = 0, rows = 0, bytes = 0;
        foreach (var g in groups)
        {
            rows += (long)g[1]!;
            bytes += (long)g[2]! * file.Length / totalGroupBytes;
            if (bytes >= target)
            {
                slices.Add(new FileSlice(file, new RowRange(first, first + rows - 1), bytes));
                first += rows; rows = 0; bytes = 0;
            }
        }
        if (rows > 0) slices.Add(new FileSlice(file, new RowRange(first, first + rows - 1), bytes));
        return slices.Count == 1 ? [new FileSlice(file, null, file.Length)] : slices;
    }
}
