using System.Diagnostics;
using System.Diagnostics.Metrics;
using Glint.Execution;

namespace Glint.Streaming;

/// <summary>A streaming job's OpenTelemetry metrics, on Glint's meter: messages, dead letters, batch time, and the lag and freshness after each batch.</summary>
internal static class StreamTelemetry
{
    public static readonly Counter<long> Messages = Telemetry.Metrics.CreateCounter<long>("glint.stream.messages", description: "stream messages committed by micro-batches");
    public static readonly Counter<long> DeadLetters = Telemetry.Metrics.CreateCounter<long>("glint.stream.dead_letters", description: "stream messages sent to the dead-letter target");
    public static readonly Histogram<double> BatchDuration = Telemetry.Metrics.CreateHistogram<double>("glint.stream.batch.duration", "s", "wall time of a micro-batch, read to commit");

    private static readonly Dictionary<string, StreamStatus> Latest = [];

    static StreamTelemetry()
    {
        Telemetry.Metrics.CreateObservableGauge("glint.stream.lag", () => Observe<long>(s => s.Partitions.Select(p => (p.LagMessages, p.Partition))), description: "messages not yet committed, per partition");
        Telemetry.Metrics.CreateObservableGauge("glint.stream.lag_seconds", () => Observe<double>(s => s.Partitions.Select(p => (p.LagSeconds ?? 0, p.Partition))), "s", "age of the oldest message not yet committed, per partition");
        Telemetry.Metrics.CreateObservableGauge("glint.stream.freshness", () => Observe<double>(s => s.FreshnessSeconds is { } f ? [(f, "")] : []), "s", "now minus the newest committed message's time");
    }

    /// <summary>Records a committed batch and the status after it.</summary>
    public static void Batch(BatchResult batch, StreamStatus status)
    {
        var job = new TagList { { "glint.job", status.Job } };
        Messages.Add(batch.Checkpoint.Messages, job);
        DeadLetters.Add(batch.Checkpoint.DeadLetters, job);
        BatchDuration.Record(batch.Checkpoint.Seconds, job);
        lock (Latest) Latest[status.Job] = status;
    }

    private static IEnumerable<Measurement<T>> Observe<T>(Func<StreamStatus, IEnumerable<(T Value, string Partition)>> values) where T : struct
    {
        List<StreamStatus> all;
        lock (Latest) all = [.. Latest.Values];
        foreach (var status in all)
            foreach (var (value, partition) in values(status))
                yield return new Measurement<T>(value, new KeyValuePair<string, object?>("glint.job", status.Job), new KeyValuePair<string, object?>("glint.partition", partition));
    }
}
