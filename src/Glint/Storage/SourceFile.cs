using System.Collections.Immutable;

namespace Glint.Storage;

/// <summary>One data file of a source, with its size and the Hive partition values of the folders above it.</summary>
public sealed record SourceFile(string Path, long Length, DateTime ModifiedUtc, ImmutableArray<KeyValuePair<string, string?>> PartitionValues);
