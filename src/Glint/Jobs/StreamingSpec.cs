using System.Globalization;
using Glint.Common;

namespace Glint.Jobs;

/// <summary>What a streaming spec must say, checked before anything runs: one stream source, a checkpoint, a trigger that makes sense.</summary>
public static class StreamingSpec
{
    /// <summary>How long a batch waits for the next when the trigger gives no interval.</summary>
    public static readonly TimeSpan DefaultInterval = TimeSpan.FromSeconds(10);

    /// <summary>Whether the spec is a streaming job (type: streaming).</summary>
    public static bool IsStreaming(this JobSpec spec) => spec.Type == "streaming";

    /// <summary>The stream source's name and its spec.</summary>
    public static (string Name, SourceSpec Source) StreamSource(this JobSpec spec) =>
        spec.Sources.Where(s => s.Value.Nats is not null).Select(s => (s.Key, s.Value)).Single();

    /// <summary>The trigger's interval (none for once and available_now).</summary>
    public static TimeSpan? Interval(this JobSpec spec) => spec.Trigger switch
    {
        { Once: true } or { AvailableNow: true } => null,
        { Interval: { } text } => Durations.Parse("trigger.interval", text),
        _ => DefaultInterval,
    };

    /// <summary>An event window goes with group_by/agg in a streaming job, on a column, with a size and a watermark that parse.</summary>
    internal static void CheckWindow(JobSpec spec, TransformSpec t, EventWindowSpec window, string label, string origin)
    {
        if (!spec.IsStreaming()) throw new SpecException($"{origin}: {label}: event_window belongs to a streaming job (add type: streaming)");
        if (t.Agg is null) throw new SpecException($"{origin}: {label}: event_window goes with group_by and agg");
        if (t.Salt is not null) throw new SpecException($"{origin}: {label}: event_window and salt do not go together");
        if (string.IsNullOrWhiteSpace(window.Column)) throw new SpecException($"{origin}: {label}: event_window needs 'column', the event-time column");
        if (string.IsNullOrWhiteSpace(window.Size)) throw new SpecException($"{origin}: {label}: event_window needs 'size', the window's length (5m)");
        if (Durations.Parse("event_window.size", window.Size) <= TimeSpan.Zero) throw new SpecException($"{origin}: {label}: event_window size must be more than 0");
        _ = Durations.Parse("event_window.watermark", window.Watermark);
    }

    internal static void Check(JobSpec spec, string origin)
    {
        if (spec.Type is not ("batch" or "streaming"))
            throw new SpecException($"{origin}: type is batch or streaming, not '{spec.Type}'{Suggestions.DidYouMean(spec.Type, ["batch", "streaming"])}");
        var streams = spec.Sources.Where(s => s.Value.Nats is not null).Select(s => s.Key).ToList();
        if (!spec.IsStreaming())
        {
            if (streams.Count > 0) throw new SpecException($"{origin}: source '{streams[0]}' is a nats stream, which only a streaming job reads (add type: streaming)");
            foreach (var (key, given) in new (string, object?)[] { ("trigger", spec.Trigger), ("checkpoint", spec.Checkpoint), ("dead_letter", spec.DeadLetter), ("max_dead_letter_ratio", spec.MaxDeadLetterRatio) })
                if (given is not null) throw new SpecException($"{origin}: '{key}' belongs to a streaming job (add type: streaming)");
            return;
        }
        if (streams.Count != 1) throw new SpecException($"{origin}: a streaming job reads exactly one stream source (a source with 'nats'), not {streams.Count}");
        var (name, source) = spec.StreamSource();
        var nats = source.Nats!;
        if (string.IsNullOrWhiteSpace(nats.Stream)) throw new SpecException($"{origin}: source '{name}': nats needs 'stream', the JetStream stream's name");
        if (nats.MaxMessagesPerPartition < 1) throw new SpecException($"{origin}: source '{name}': max_messages_per_partition must be at least 1, not {nats.MaxMessagesPerPartition}");
        if (source.Format is not ("json" or "csv")) throw new SpecException($"{origin}: source '{name}': a stream's messages are json or csv, not '{source.Format}'");
        if (!source.Options.ContainsKey("schema")) throw new SpecException($"{origin}: source '{name}': a stream needs options.schema (\"id BIGINT, name VARCHAR\"): messages are parsed and cast to it");
        if (string.IsNullOrWhiteSpace(spec.Checkpoint)) throw new SpecException($"{origin}: a streaming job needs 'checkpoint', the folder (or s3:// prefix) where committed batches record their sequences");
        if (spec.Trigger is { } t && (t.Once ? 1 : 0) + (t.AvailableNow ? 1 : 0) + (t.Interval is null ? 0 : 1) > 1)
            throw new SpecException($"{origin}: trigger takes one of interval, once: true or available_now: true");
        _ = spec.Interval();
        if (spec.MaxDeadLetterRatio is { } ratio && ratio is < 0 or > 1)
            throw new SpecException($"{origin}: max_dead_letter_ratio is a share of a batch's messages between 0 and 1, not {ratio.ToString(CultureInfo.InvariantCulture)}");
        if (spec.MaxDeadLetterRatio is not null && spec.DeadLetter?.Path is null)
            throw new SpecException($"{origin}: max_dead_letter_ratio needs dead_letter: {{ path: … }}, where the dead letters go");
        if (spec.DeadLetter is { Path: null }) throw new SpecException($"{origin}: dead_letter needs 'path', a folder or s3:// prefix");
    }
}
