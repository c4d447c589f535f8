namespace Glint.Streaming;

/// <summary>The newest message of one partition as a batch sees it when it starts.</summary>
internal sealed record PartitionHead(string Partition, long LastSequence, DateTimeOffset? LastTime);

/// <summary>What is left to read of one partition after a sequence: how many messages, and when the oldest of them arrived.</summary>
internal sealed record PartitionLag(string Partition, long Messages, DateTimeOffset? Oldest);

/// <summary>What a batch read of one partition: how many messages, the last sequence, and the newest message time.</summary>
internal sealed record PartitionRead(string Partition, long Messages, long LastSequence, DateTimeOffset? Newest);

/// <summary>
/// A durable stream read in micro-batches: its partitions, each an ordered log of messages numbered by sequence. A
/// batch reads each partition from the sequence its checkpoint committed, writes the messages as envelopes, and the
/// commit records the last sequence read. Another broker (Kafka: topic partitions and offsets) is one more implementation.
/// </summary>
internal interface IStreamSource : IDisposable
{
    /// <summary>The stream as messages name it (for dead letters and status).</summary>
    string Describe { get; }

    /// <summary>Every partition with its newest sequence; a partition with no message is left out.</summary>
    Task<IReadOnlyList<PartitionHead>> Heads(CancellationToken cancellation);

    /// <summary>Writes the partition's messages after <paramref name="after"/>, up to <paramref name="upTo"/> and at most <paramref name="max"/> of them.</summary>
    Task<PartitionRead> Read(string partition, long after, long upTo, int max, EnvelopeWriter writer, CancellationToken cancellation);

    /// <summary>The messages after <paramref name="after"/>: how many, and the oldest's time (consumer lag); after <see cref="Heads"/>.</summary>
    /// <param name="readSoFar">how many messages of the partition the committed batches read, when the checkpoint knows (a cheaper count)</param>
    Task<PartitionLag> Lag(string partition, long after, long? readSoFar, CancellationToken cancellation);

    /// <summary>The first sequence of a partition at or after <paramref name="time"/> (for resetting a checkpoint to a time).</summary>
    Task<long?> SequenceAt(string partition, DateTimeOffset time, CancellationToken cancellation);
}
