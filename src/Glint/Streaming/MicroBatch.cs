using System.Collections.Immutable;
using System.Diagnostics;
using System.Globalization;
using Glint.Api;
using Glint.Common;
using Glint.Execution;
using Glint.Jobs;
using Glint.Plan;
using Glint.Storage;

namespace Glint.Streaming;

/// <summary>What one committed micro-batch did.</summary>
public sealed record BatchResult(BatchCheckpoint Checkpoint, RunSummary Summary);

/// <summary>
/// One micro-batch of a streaming job: reads each partition's messages after its committed sequence into envelope
/// files, then runs the job over them as one recorded Glint run whose commit publishes the outputs, the dead letters and
/// the checkpoint together. A crash anywhere before the commit point leaves all three as they were, so the next batch
/// reads the same messages again; after it, recovery finishes publishing all three.
/// </summary>
internal sealed class MicroBatch(JobSpec spec, IStreamSource source, CheckpointFolder checkpoint, IJobStore store, SessionOptions defaults)
{
    /// <summary>How many partitions are read at once.</summary>
    private const int Readers = 4;

    /// <summary>Runs the batch after <paramref name="previous"/>; null when no partition has a new message.</summary>
    public async Task<BatchResult?> Run(BatchCheckpoint? previous, CancellationToken cancellation)
    {
        var clock = Stopwatch.StartNew();
        var batch = (previous?.Batch ?? 0) + 1;
        var heads = await source.Heads(cancellation);
        var due = heads.Where(h => h.LastSequence > (previous?.SequenceOf(h.Partition) ?? 0)).ToList();
        if (due.Count == 0) return null;
        var incoming = Path.Combine(StreamHome.Of(defaults.Home, spec.Name!), "incoming");
        if (Directory.Exists(incoming)) Directory.Delete(incoming, recursive: true);
        Directory.CreateDirectory(incoming);
        try
        {
            var reads = await Read(due, previous, incoming, cancellation);
            var messages = reads.Sum(r => r.Messages);
            if (messages == 0) return null;
            var sequences = new SortedDictionary<string, long>(previous?.Sequences.ToDictionary() ?? [], StringComparer.Ordinal);
            foreach (var r in reads.Where(r => r.Messages > 0)) sequences[r.Partition] = r.LastSequence;
            var newest = reads.Max(r => r.Newest) is { } n && (previous?.NewestMessageUtc is not { } p || n > p) ? n : previous?.NewestMessageUtc;
            long dead = 0;
            BatchCheckpoint Committed(RunId run) => new(batch, run.Value, DateTimeOffset.UtcNow, sequences, messages, dead,
                (previous?.TotalMessages ?? 0) + messages, (previous?.TotalDeadLetters ?? 0) + dead, newest, clock.Elapsed.TotalSeconds);
            BatchCheckpoint? result = null;
            var summary = JobRunner.Record(store, spec, defaults, options =>
            {
                var frames = BatchSpec(incoming, batch);
                var session = new GlintSession(options with
                {
                    Checkpoint = new CommitCheckpoint(checkpoint.Location, BatchCheckpoint.FileName(batch),
                        () => (result = Committed(options.RunId!.Value)).ToJson(), () => checkpoint.Latest()?.Batch == previous?.Batch),
                });
                var plan = JobPlanner.Plan(frames, session);
                var counts = JobPlanner.Frames(frames, session)[CheckedName].GroupBy("_reason").Agg("count(*) AS n");
                var gate = new RunGate(rows =>
                {
                    dead = Tally(rows[^1], messages);
                    return plan.Gate?.Check([.. rows.Take(rows.Count - 1)]) ?? [];
                });
                return session.Run([.. plan.Actions, new PlannedAction(counts.Plan, new CollectSink())], cancellation, gate).Summary;
            }, spec.Name, ImmutableDictionary<string, string>.Empty.Add("batch", batch.ToString(CultureInfo.InvariantCulture)));
            checkpoint.Prune();
            return new BatchResult(result!, summary);
        }
        finally
        {
            if (Directory.Exists(incoming)) Directory.Delete(incoming, recursive: true);
        }
    }

    private const string CheckedName = "glint_stream_checked";

    /// <summary>The dead letters among the batch's messages; too many stop the batch before its commit.</summary>
    private long Tally(IReadOnlyList<object?[]> byReason, long messages)
    {
        var dead = byReason.Where(r => r[0] is not null).ToList();
        var count = dead.Sum(r => Convert.ToInt64(r[1], CultureInfo.InvariantCulture));
        if (spec.MaxDeadLetterRatio is { } max && messages > 0 && (double)count / messages > max)
        {
            var reasons = string.Join("; ", dead.OrderByDescending(r => Convert.ToInt64(r[1], CultureInfo.InvariantCulture)).Take(3).Select(r => $"{r[1]} × {r[0]}"));
            throw new SourceException(source.Describe,
                $"{count} of {messages} messages of this batch ({(double)count / messages:P2}) are dead letters, more than max_dead_letter_ratio {max.ToString(CultureInfo.InvariantCulture)}: {reasons}. "
                + "The batch was undone: nothing written, the checkpoint unchanged");
        }
        return count;
    }

    /// <summary>Each due partition's new messages into its own envelope file, a few partitions at a time.</summary>
    private async Task<List<PartitionRead>> Read(List<PartitionHead> due, BatchCheckpoint? previous, string incoming, CancellationToken cancellation)
    {
        var max = spec.StreamSource().Source.Nats!.MaxMessagesPerPartition;
        var reads = new PartitionRead[due.Count];
        await Parallel.ForEachAsync(Enumerable.Range(0, due.Count), new ParallelOptions { MaxDegreeOfParallelism = Readers, CancellationToken = cancellation },
            async (i, ct) =>
            {
                using var writer = new EnvelopeWriter(Path.Combine(incoming, $"p{i:D5}.json"));
                reads[i] = await source.Read(due[i].Partition, previous?.SequenceOf(due[i].Partition) ?? 0, due[i].LastSequence, max, writer, ct);
            });
        foreach (var empty in reads.Where(r => r.Messages == 0)) File.Delete(Path.Combine(incoming, $"p{Array.IndexOf(reads, empty):D5}.json"));
        return [.. reads];
    }

    /// <summary>The batch as a batch job: the envelopes as its source, parsed into the stream's rows and its dead letters, then the job's own transforms and targets.</summary>
    private JobSpec BatchSpec(string incoming, long batch)
    {
        var (name, stream) = spec.StreamSource();
        var options = ReadOptions.From(stream.Options);
        var parsing = new MessageParsing(options.ParseSchema()!.Value, FileFormats.Parse(stream.Format), options.Delimiter);
        var sources = spec.Sources.Where(s => s.Key != name).ToDictionary();
        sources["glint_stream_envelopes"] = new SourceSpec { Path = incoming, Format = "json", Options = { ["schema"] = EnvelopeWriter.Schema } };
        List<TransformSpec> transforms =
        [
            new() { Name = CheckedName, From = "glint_stream_envelopes", MapSql = parsing.Checked() },
            new() { Name = name, From = CheckedName, MapSql = parsing.Rows() },
            .. spec.Transforms,
        ];
        var targets = spec.Targets.Select(t => t.Mode is null && t.Connection is null ? Appending(t) : t).ToList();
        if (spec.DeadLetter?.Path is { } deadLetters)
        {
            transforms.Add(new() { Name = DeadLetterName, From = CheckedName, MapSql = parsing.DeadLetters(source.Describe, batch) });
            targets.Add(new TargetSpec { From = DeadLetterName, Path = deadLetters, Mode = "append" });
        }
        return new JobSpec { Name = spec.Name, WorkerType = spec.WorkerType, NumberOfWorkers = spec.NumberOfWorkers, Settings = spec.Settings,
            Sources = sources, Transforms = transforms, Targets = targets };
    }

    private const string DeadLetterName = "glint_stream_dead_letters";

    /// <summary>A file target of a stream appends each batch's rows, unless the spec says otherwise.</summary>
    private static TargetSpec Appending(TargetSpec t) => new()
    {
        From = t.From, Path = t.Path, Table = t.Table, Format = t.Format, PartitionBy = t.PartitionBy, Mode = "append",
    };
}
