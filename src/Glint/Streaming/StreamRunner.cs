using System.Globalization;
using System.Text.Json;
using Glint.Common;
using Glint.Execution;
using Glint.Execution.Commit;
using Glint.Jobs;

namespace Glint.Streaming;

/// <summary>How a stream run ended: stopped on request, drained (once / available_now), or cancelled.</summary>
public enum StreamEnd { Stopped, Drained, Cancelled }

/// <summary>
/// Runs a streaming job: one micro-batch per trigger, each a recorded run that commits its outputs with its checkpoint.
/// One process runs a job at a time (a lock under the Glint home, and the checkpoint's own lock during each commit).
/// Before the first batch, interrupted commits are repaired and a lost checkpoint is refused.
/// </summary>
public sealed class StreamRunner(IJobStore store, SessionOptions defaults)
{
    /// <summary>The spec file the job was started from, recorded for the console's stream pages.</summary>
    public string? SpecPath { get; init; }

    /// <summary>How often a waiting stream looks for a stop request.</summary>
    private static readonly TimeSpan Poll = TimeSpan.FromMilliseconds(100);

    /// <summary>Runs batches until stopped, drained or cancelled; <paramref name="committed"/> hears of each batch.</summary>
    /// <param name="trigger">the trigger to use instead of the spec's (glint stream start --once / --available-now)</param>
    public StreamEnd Run(JobSpec spec, Action<BatchResult, StreamStatus> committed, CancellationToken cancellation, TriggerSpec? trigger = null)
    {
        trigger ??= spec.Trigger;
        var home = StreamHome.Of(defaults.Home, spec.Name!);
        using var running = FileLock.TryAcquire(Path.Combine(home, "lock"))
            ?? throw new ConcurrentRunsException(spec.Name!, $"streaming job '{spec.Name}' is already running ({Owner(home)}); glint stream stop {spec.Name} stops it");
        File.WriteAllText(Path.Combine(home, "process.json"), JsonSerializer.Serialize(new { pid = Environment.ProcessId, started = DateTimeOffset.UtcNow, spec = SpecPath }));
        File.Delete(StopFile(home));
        RunRecovery.Recover(defaults.Home, () => store.Ledger, defaults.Settings.S3);
        // Holding the job's lock, no batch of it runs elsewhere: a batch still RUNNING on record died before its commit began.
        foreach (var dead in store.Runs(spec.Name).Where(r => r.State == RunState.Running && r.Arguments.ContainsKey("batch")))
            store.FinishRun(dead.RunId, RunState.Failed, "the stream's process ended before this batch's commit; a later batch read its messages again", null);
        var folder = new CheckpointFolder(spec.Checkpoint!, defaults.Settings.S3);
        var previous = Checked(spec, folder);
        using var source = Sources.Open(spec);
        var batch = new MicroBatch(spec, source, folder, store, defaults);
        var interval = trigger is { Once: true } or { AvailableNow: true } ? (TimeSpan?)null : new JobSpec { Trigger = trigger }.Interval() ?? StreamingSpec.DefaultInterval;
        while (true)
        {
            if (cancellation.IsCancellationRequested) return StreamEnd.Cancelled;
            if (File.Exists(StopFile(home))) return StreamEnd.Stopped;
            var started = DateTime.UtcNow;
            var result = batch.Run(previous, cancellation).GetAwaiter().GetResult();
            if (result is not null)
            {
                previous = result.Checkpoint;
                var status = StreamStatuses.Of(spec, defaults, source, previous, cancellation);
                StreamTelemetry.Batch(result, status);
                committed(result, status);
            }
            if (trigger is { Once: true } || (trigger is { AvailableNow: true } && result is null)) return StreamEnd.Drained;
            if (interval is { } every && Wait(started + every, home, cancellation) is { } end) return end;
        }
    }

    /// <summary>Asks a running stream to stop after its current batch.</summary>
    public static void RequestStop(string home, string job)
    {
        var folder = StreamHome.Of(home, job);
        Directory.CreateDirectory(folder);
        File.WriteAllText(StopFile(folder), DateTimeOffset.UtcNow.ToString("O", CultureInfo.InvariantCulture));
    }

    /// <summary>Whether a process runs the job now (it holds the job's lock).</summary>
    public static bool IsRunning(string home, string job)
    {
        using var free = FileLock.TryAcquire(Path.Combine(StreamHome.Of(home, job), "lock"));
        return free is null;
    }

    /// <summary>The process that runs the job, as its last start recorded it.</summary>
    internal static int? ProcessOf(string home, string job)
    {
        var path = Path.Combine(StreamHome.Of(home, job), "process.json");
        try { return File.Exists(path) ? JsonDocument.Parse(File.ReadAllText(path)).RootElement.GetProperty("pid").GetInt32() : null; }
        catch (JsonException) { return null; }
    }

    /// <summary>The streaming jobs started under this Glint home, with the spec each was last started from.</summary>
    public static IReadOnlyList<(string Job, string? Spec)> Known(string home)
    {
        var root = Path.Combine(home, "streams");
        if (!Directory.Exists(root)) return [];
        var known = new List<(string, string?)>();
        foreach (var file in Directory.EnumerateFiles(root, "process.json", SearchOption.AllDirectories).Order(StringComparer.Ordinal))
        {
            try
            {
                var json = JsonDocument.Parse(File.ReadAllText(file)).RootElement;
                known.Add((Path.GetFileName(Path.GetDirectoryName(file)!), json.TryGetProperty("spec", out var spec) ? spec.GetString() : null));
            }
            catch (Exception e) when (e is JsonException or IOException) { } // being written by a starting stream
        }
        return known;
    }

    private static string StopFile(string home) => Path.Combine(home, "stop");

    private static string Owner(string home) =>
        File.Exists(Path.Combine(home, "process.json")) ? $"process {JsonDocument.Parse(File.ReadAllText(Path.Combine(home, "process.json"))).RootElement.GetProperty("pid")}" : "another process";

    /// <summary>Waits for the next trigger; returns how the stream ends if it is asked to stop meanwhile.</summary>
    private static StreamEnd? Wait(DateTime until, string home, CancellationToken cancellation)
    {
        while (DateTime.UtcNow < until)
        {
            if (File.Exists(StopFile(home))) return StreamEnd.Stopped;
            if (cancellation.WaitHandle.WaitOne(Poll)) return StreamEnd.Cancelled;
        }
        return null;
    }

    /// <summary>The newest committed batch; none for a new stream. A stream that committed batches but whose checkpoint holds none lost it.</summary>
    private BatchCheckpoint? Checked(JobSpec spec, CheckpointFolder folder)
    {
        var latest = folder.Latest();
        if (latest is not null) return latest;
        var batches = store.Runs(spec.Name).Where(r => r.State == RunState.Succeeded && r.Arguments.ContainsKey("batch")).ToList();
        if (batches.Count == 0) return null;
        var last = batches.MaxBy(r => r.Started)!;
        throw new SourceException(folder.Location,
            $"checkpoint '{folder.Location}' holds no committed batch, but streaming job '{spec.Name}' committed {batches.Count} batch(es) there (the last in run {last.RunId}, {last.Started:u}): "
            + $"the checkpoint was lost or moved, and starting from the beginning would write every message again. Put it back, or choose where to start: glint stream reset {spec.Name} --to-sequence N or --to-time T");
    }
}
