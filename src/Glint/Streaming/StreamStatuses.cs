using Glint.Execution;
using Glint.Jobs;

namespace Glint.Streaming;

/// <summary>A streaming job's status, from its checkpoint, its process lock and the stream itself.</summary>
public static class StreamStatuses
{
    /// <summary>The status now: the checkpoint's newest batch against the stream's heads.</summary>
    public static StreamStatus Of(JobSpec spec, SessionOptions options, CancellationToken cancellation = default)
    {
        using var source = Sources.Open(spec);
        var latest = new CheckpointFolder(spec.Checkpoint!, options.Settings.S3).Latest();
        return Of(spec, options, source, latest, cancellation);
    }

    internal static StreamStatus Of(JobSpec spec, SessionOptions options, IStreamSource source, BatchCheckpoint? latest, CancellationToken cancellation)
    {
        var now = DateTimeOffset.UtcNow;
        var partitions = new List<PartitionStatus>();
        foreach (var head in source.Heads(cancellation).GetAwaiter().GetResult())
        {
            var committed = latest?.SequenceOf(head.Partition) ?? 0;
            var lag = committed >= head.LastSequence ? new PartitionLag(head.Partition, 0, null) : source.Lag(head.Partition, committed, latest?.Read is { } read ? read.GetValueOrDefault(head.Partition) : null, cancellation).GetAwaiter().GetResult();
            partitions.Add(new PartitionStatus(head.Partition, committed, head.LastSequence, lag.Messages, lag.Oldest is { } o ? Math.Max(0, (now - o).TotalSeconds) : null));
        }
        return new StreamStatus(spec.Name!, spec.Checkpoint!, StreamRunner.IsRunning(options.Home, spec.Name!), StreamRunner.ProcessOf(options.Home, spec.Name!),
            latest?.Batch, latest?.CommittedUtc, latest?.Seconds, latest?.TotalMessages ?? 0, latest?.TotalDeadLetters ?? 0,
            latest?.NewestMessageUtc is { } newest ? Math.Max(0, (now - newest).TotalSeconds) : null, partitions);
    }

    /// <summary>
    /// Sets where the stream resumes (glint stream reset): after <paramref name="sequence"/> in every partition, or from the first
    /// message at or after <paramref name="time"/>. Written as the next batch's checkpoint, so the history stays; refused while the job runs.
    /// </summary>
    public static BatchCheckpoint Reset(JobSpec spec, IJobStore store, SessionOptions options, long? sequence, DateTimeOffset? time, CancellationToken cancellation = default)
    {
        if (StreamRunner.IsRunning(options.Home, spec.Name!))
            throw new Common.ConcurrentRunsException(spec.Name!, $"streaming job '{spec.Name}' is running; stop it first (glint stream stop {spec.Name})");
        var folder = new CheckpointFolder(spec.Checkpoint!, options.Settings.S3);
        var latest = folder.Latest();
        var recorded = store.Runs(spec.Name).Where(r => r.Arguments.ContainsKey("batch")).Select(r => long.Parse(r.Arguments["batch"], System.Globalization.CultureInfo.InvariantCulture));
        var batch = Math.Max(latest?.Batch ?? 0, recorded.DefaultIfEmpty(0).Max()) + 1;
        using var source = Sources.Open(spec);
        var sequences = new SortedDictionary<string, long>(StringComparer.Ordinal);
        foreach (var head in source.Heads(cancellation).GetAwaiter().GetResult())
            sequences[head.Partition] = sequence is { } s
                ? Math.Min(s, head.LastSequence)
                : (source.SequenceAt(head.Partition, time!.Value, cancellation).GetAwaiter().GetResult() is { } first ? first - 1 : head.LastSequence);
        var reset = new BatchCheckpoint(batch, "", DateTimeOffset.UtcNow, sequences, 0, 0, latest?.TotalMessages ?? 0, latest?.TotalDeadLetters ?? 0, latest?.NewestMessageUtc, 0)
            { ResetBy = "glint stream reset" };
        folder.WriteDirect(reset);
        return reset;
    }
}
