namespace Glint.Streaming;

/// <summary>One partition of a stream: the sequence committed, the stream's head, and how far behind the job is.</summary>
public sealed record PartitionStatus(string Partition, long Committed, long Head, long LagMessages, double? LagSeconds);

/// <summary>Where a streaming job stands: its process, last batch, totals, freshness and per-partition lag.</summary>
/// <param name="FreshnessSeconds">now minus the newest committed message's time</param>
public sealed record StreamStatus(
    string Job,
    string Checkpoint,
    bool Running,
    int? ProcessId,
    long? Batch,
    DateTimeOffset? LastCommitUtc,
    double? LastBatchSeconds,
    long TotalMessages,
    long TotalDeadLetters,
    double? FreshnessSeconds,
    IReadOnlyList<PartitionStatus> Partitions)
{
    /// <summary>Messages of all partitions not yet committed.</summary>
    public long LagMessages => Partitions.Sum(p => p.LagMessages);

    /// <summary>The oldest uncommitted message's age, over all partitions.</summary>
    public double? LagSeconds => Partitions.Max(p => p.LagSeconds);
}
