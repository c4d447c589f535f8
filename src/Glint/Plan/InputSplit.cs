using System.Collections.Immutable;
using Glint.Storage;

namespace Glint.Plan;

/// <summary>A whole file, or a row-group-aligned row range of one Parquet file.</summary>
public sealed record FileSlice(SourceFile File, RowRange? Rows, long Bytes);

/// <summary>The input of one task: files (and file slices) packed together up to the split size.</summary>
public sealed record InputSplit(int Index, ImmutableArray<FileSlice> Slices)
{
    public long Bytes => Slices.Sum(s => s.Bytes);
    public int Files => Slices.Select(s => s.File.Path).Distinct().Count();
}
