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
            var read = clock.Elapsed.TotalSeconds;
            SortedDictionary<string, long>? counts = previous is null || previous.Read is not null
                ? new(previous?.Read?.ToDictionary() ?? [], StringComparer.Ordinal) : null;
            foreach (var r in reads.Where(r => counts is not null)) counts![r.Partition] = counts.GetValueOrDefault(r.Partition) + r.Messages;
            var messages = reads.Sum(r => r.Messages);
            if (messages == 0) return null;
            var sequences = new SortedDictionary<string, long>(previous?.Sequences.ToDictionary() ?? [], StringComparer.Ordinal);
            foreach (var r in reads.Where(r => r.Messages > 0)) sequences[r.Partition] = r.LastSequence;
            var newest = reads.Max(r => r.Newest) is { } n && (previous?.NewestMessageUtc is not { } p || n > p) ? n : previous?.NewestMessageUtc;
            long dead = 0;
            var windows = Windows();
            var states = new Dictionary<string, WindowState>();
            BatchCheckpoint Committed(RunId run) => new(batch, run.Value, DateTimeOffset.UtcNow, sequences, messages, dead,
                (previous?.TotalMessages ?? 0) + messages, (previous?.TotalDeadLetters ?? 0) + dead, newest, clock.Elapsed.TotalSeconds)
                { Windows = windows.Count == 0 ? null : states, ReadSeconds = read, Read = counts };
            BatchCheckpoint? result = null;
            var summary = JobRunner.Record(store, spec, defaults, options =>
            {
                // Parsed once: it writes each window's open state for the batch to read.
                var parsed = Parsed(incoming, batch, previous, windows);
                var marks = Watermarks(options, parsed, windows, previous, cancellation);
                var frames = BatchSpec(parsed, windows, marks, batch);
                var session = new GlintSession(options with
                {
                    MinimumBilledSeconds = 0,
                    Checkpoint = new CommitCheckpoint(checkpoint.Location, BatchCheckpoint.FileName(batch),
                        () => (result = Committed(options.RunId!.Value)).ToJson(), () => checkpoint.Latest()?.Batch == previous?.Batch),
                });
                var plan = JobPlanner.Plan(frames, session);
                var all = JobPlanner.Frames(frames, session);
                List<PlannedAction> mine = [new(all[CheckedName].GroupBy("_reason").Agg("count(*) AS n").Plan, new CollectSink())];
                foreach (var w in windows)
                {
                    mine.Add(new(all[w.Late].Agg("count(*) AS n").Plan, new CollectSink()));
                    mine.Add(new(all[w.Open].Plan, new CollectSink()));
                }
                var gate = new RunGate(rows =>
                {
                    var own = rows.Skip(rows.Count - mine.Count).ToList();
                    dead = Tally(own[0], messages);
                    foreach (var (w, i) in windows.Select((w, i) => (w, i)))
                    {
                        dead += Convert.ToInt64(own[1 + 2 * i][0][0], CultureInfo.InvariantCulture);
                        states[w.Name] = WindowState.Of(marks[w.Name].After, [.. all[w.Open].Schema.Columns], own[2 + 2 * i]);
                    }
                    return plan.Gate?.Check([.. rows.Take(rows.Count - mine.Count)]) ?? [];
                });
                return session.Run([.. plan.Actions, .. mine], cancellation, gate).Summary;
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
                $"{count} of {messages} messages of this batch ({(100.0 * count / messages).ToString("0.##", CultureInfo.InvariantCulture)}%) are dead letters, more than max_dead_letter_ratio {max.ToString(CultureInfo.InvariantCulture)}: {reasons}. "
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
                using var writer = new EnvelopeWriter(Path.Combine(incoming, "messages", $"p{i:D5}.json"));
                reads[i] = await source.Read(due[i].Partition, previous?.SequenceOf(due[i].Partition) ?? 0, due[i].LastSequence, max, writer, ct);
            });
        foreach (var empty in reads.Where(r => r.Messages == 0)) File.Delete(Path.Combine(incoming, "messages", $"p{Array.IndexOf(reads, empty):D5}.json"));
        return [.. reads];
    }

    /// <summary>The event windows of the spec; each reads a name defined before the first of them.</summary>
    private List<EventWindow> Windows()
    {
        var windows = spec.Transforms.Where(t => t.EventWindow is not null).Select(t => new EventWindow(t, $"job '{spec.Name}'")).ToList();
        var before = Prefix().Select(t => t.Name).Append(spec.StreamSource().Name).Concat(spec.Sources.Keys).ToHashSet(StringComparer.OrdinalIgnoreCase);
        foreach (var w in windows.Where(w => !before.Contains(w.From)))
            throw new SpecException($"job '{spec.Name}': transform '{w.Name}' windows '{w.From}', which comes after another event window; an event window reads the stream or transforms before the first window");
        return windows;
    }

    /// <summary>The spec's transforms before its first event window.</summary>
    private IEnumerable<TransformSpec> Prefix() => spec.Transforms.TakeWhile(t => t.EventWindow is null);

    /// <summary>A window's watermarks around this batch, and its input's columns.</summary>
    private sealed record Marks(DateTime? Before, DateTime? After, System.Collections.Immutable.ImmutableArray<string> Input);

    /// <summary>
    /// Each window's watermark before the batch (the checkpoint's) and after it (the newest event time of the batch's
    /// rows minus the window's watermark delay, never going back): a query of its own over the batch before the batch runs.
    /// </summary>
    private Dictionary<string, Marks> Watermarks(SessionOptions options, (Dictionary<string, SourceSpec> Sources, List<TransformSpec> Transforms) parsed,
        List<EventWindow> windows, BatchCheckpoint? previous, CancellationToken cancellation)
    {
        if (windows.Count == 0) return [];
        var (sources, transforms) = parsed;
        var prefix = new JobSpec { Name = spec.Name, Settings = spec.Settings, Sources = sources, Transforms = [.. transforms, .. Prefix()] };
        var session = new GlintSession(options with { RunId = null, Ledger = null });
        var frames = JobPlanner.Frames(prefix, session);
        var actions = windows.Select(w => new PlannedAction(frames[w.From].Agg($"max(CAST({Sql.Ident(w.Column)} AS TIMESTAMP)) AS newest").Plan, new CollectSink())).ToList();
        var outcome = session.Run(actions, cancellation);
        return windows.Select((w, i) =>
        {
            var before = previous?.Windows?.GetValueOrDefault(w.Name)?.Watermark;
            var newest = outcome.Rows[outcome.Rows.Keys.OrderBy(k => k.Value).ElementAt(i)][0][0] as DateTime?;
            return (w.Name, new Marks(before, w.Advance(before, newest), [.. frames[w.From].Schema.Names]));
        }).ToDictionary(m => m.Name, m => m.Item2);
    }

    /// <summary>The envelopes as a source parsed into the stream's rows and its poison messages, and each window's open state as a source.</summary>
    private (Dictionary<string, SourceSpec> Sources, List<TransformSpec> Transforms) Parsed(string incoming, long batch, BatchCheckpoint? previous, List<EventWindow> windows)
    {
        var (name, stream) = spec.StreamSource();
        var options = ReadOptions.From(stream.Options);
        var parsing = new MessageParsing(options.ParseSchema()!.Value, FileFormats.Parse(stream.Format), options.Delimiter);
        var sources = spec.Sources.Where(s => s.Key != name).ToDictionary();
        sources["glint_stream_envelopes"] = new SourceSpec { Path = Path.Combine(incoming, "messages"), Format = "json", Options = { ["schema"] = EnvelopeWriter.Schema } };
        foreach (var w in windows)
            if (previous?.Windows?.GetValueOrDefault(w.Name) is { Rows.Count: > 0 } state)
                sources[w.State] = new SourceSpec { Path = StateFile(incoming, w, state), Format = "json", Options = { ["schema"] = string.Join(", ", state.Columns.Select(c => $"{Sql.Ident(c.Name)} {c.Type}")) } };
        List<TransformSpec> transforms =
        [
            new() { Name = CheckedName, From = "glint_stream_envelopes", MapSql = parsing.Checked() },
            new() { Name = name, From = CheckedName, MapSql = parsing.Rows() },
            new() { Name = PoisonName, From = CheckedName, MapSql = parsing.DeadLetters(source.Describe, batch) },
        ];
        return (sources, transforms);
    }

    /// <summary>The batch as a batch job: the parsed stream, the job's own transforms (event windows planned as their steps) and targets, and the dead letters.</summary>
    private JobSpec BatchSpec((Dictionary<string, SourceSpec> Sources, List<TransformSpec> Transforms) parsed, List<EventWindow> windows,
        Dictionary<string, Marks> marks, long batch)
    {
        var sources = parsed.Sources;
        List<TransformSpec> transforms = [.. parsed.Transforms];
        foreach (var t in spec.Transforms)
        {
            if (windows.FirstOrDefault(w => w.Name == t.Name) is not { } w) { transforms.Add(t); continue; }
            var m = marks[w.Name];
            transforms.AddRange(w.Transforms(m.Before, m.After, sources.ContainsKey(w.State), m.Input, source.Describe, batch));
        }
        var targets = spec.Targets.Select(t => t.Mode is null && t.Connection is null ? Appending(t) : t).ToList();
        if (spec.DeadLetter?.Path is { } deadLetters)
        {
            transforms.Add(windows.Count == 0
                ? new() { Name = DeadLetterName, From = PoisonName, Select = ["*"] }
                : new() { Name = DeadLetterName, Union = [PoisonName, .. windows.Select(w => w.Late)] });
            targets.Add(new TargetSpec { From = DeadLetterName, Path = deadLetters, Mode = "append" });
        }
        return new JobSpec { Name = spec.Name, WorkerType = spec.WorkerType, NumberOfWorkers = spec.NumberOfWorkers, Settings = spec.Settings,
            Sources = sources, Transforms = transforms, Targets = targets };
    }

    /// <summary>A window's open state written as JSON lines for the batch to read (the checkpoint holds it).</summary>
    private static string StateFile(string incoming, EventWindow w, WindowState state)
    {
        var folder = Path.Combine(incoming, "state", w.Name);
        Directory.CreateDirectory(folder);
        var path = Path.Combine(folder, "open.json");
        using var file = File.Create(path);
        foreach (var row in state.Rows)
        {
            using (var json = new System.Text.Json.Utf8JsonWriter(file))
            {
                json.WriteStartObject();
                foreach (var (c, v) in state.Columns.Zip(row))
                {
                    json.WritePropertyName(c.Name);
                    v.WriteTo(json);
                }
                json.WriteEndObject();
            }
            file.WriteByte((byte)'\n');
        }
        return folder;
    }

    private const string PoisonName = "glint_stream_poison";

    private const string DeadLetterName = "glint_stream_dead_letters";

    /// <summary>A file target of a stream appends each batch's rows, unless the spec says otherwise.</summary>
    private static TargetSpec Appending(TargetSpec t) => new()
    {
        From = t.From, Path = t.Path, Table = t.Table, Format = t.Format, PartitionBy = t.PartitionBy, Mode = "append",
    };
}
