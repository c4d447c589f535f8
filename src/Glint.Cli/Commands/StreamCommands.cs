using System.ComponentModel;
using System.Globalization;
using System.Text.Json;
using Glint.Common;
using Glint.Jobs;
using Glint.Streaming;
using Spectre.Console;
using Spectre.Console.Cli;

namespace Glint.Cli.Commands;

/// <summary>The streaming job a <c>glint stream</c> command works on: its spec, which names the stream and the checkpoint.</summary>
public class StreamSettings : JobSettings
{
    /// <summary>The spec, refused unless it is a streaming job.</summary>
    public (JobSpec Spec, Execution.SessionOptions Options) Stream()
    {
        var (spec, session) = Load();
        if (!spec.IsStreaming()) throw new SpecException($"job spec '{Path.GetFullPath(Spec)}' is not a streaming job (type: streaming); run it with glint run");
        return (spec, session.Options);
    }

    internal static IJobStore Store(Execution.SessionOptions options, out IDisposable owner)
    {
        var metastore = Catalog.Metastores.Open(options.Metastore, options.Home);
        owner = metastore;
        return SqlJobStore.Of(metastore);
    }
}

/// <summary><c>glint stream start &lt;spec&gt;</c>: runs micro-batches until stopped (or drained, with --once / --available-now).</summary>
public sealed class StreamStartCommand : Command<StreamStartCommand.Settings>
{
    public sealed class Settings : StreamSettings
    {
        [CommandOption("--once")]
        [Description("Run one batch of what the stream holds now, then stop (instead of the spec's trigger).")]
        public bool Once { get; init; }

        [CommandOption("--available-now")]
        [Description("Run batches until the stream is drained, then stop (instead of the spec's trigger).")]
        public bool AvailableNow { get; init; }

        public override ValidationResult Validate() =>
            Once && AvailableNow ? ValidationResult.Error("--once and --available-now are two triggers; give one") : ValidationResult.Success();
    }

    public override int Execute(CommandContext context, Settings settings, CancellationToken cancellation)
    {
        var (spec, options) = settings.Stream();
        var store = StreamSettings.Store(options, out var owner);
        using (owner)
        {
            var trigger = settings.Once ? new TriggerSpec { Once = true } : settings.AvailableNow ? new TriggerSpec { AvailableNow = true } : null;
            AnsiConsole.MarkupLineInterpolated($"Streaming job [bold]{spec.Name}[/] on {options.PoolText()}, checkpoint {spec.Checkpoint}");
            var end = new StreamRunner(store, options) { SpecPath = Path.GetFullPath(settings.Spec) }.Run(spec, (batch, status) =>
            {
                var c = batch.Checkpoint;
                AnsiConsole.MarkupLineInterpolated(
                    $"batch {c.Batch} (run {c.RunId}): {c.Messages:N0} messages, {c.DeadLetters:N0} dead letters, {c.Seconds:0.00} s, {batch.Summary.DpuSeconds:0.0} DPU-s; lag {status.LagMessages:N0} messages");
            }, cancellation, trigger);
            AnsiConsole.MarkupLine(end switch { StreamEnd.Stopped => "stopped on request", StreamEnd.Drained => "drained: nothing left to read", _ => "cancelled" });
            return 0;
        }
    }
}

/// <summary><c>glint stream stop &lt;spec&gt;</c>: asks the running job to stop after its current batch.</summary>
public sealed class StreamStopCommand : Command<StreamSettings>
{
    public override int Execute(CommandContext context, StreamSettings settings, CancellationToken cancellation)
    {
        var (spec, options) = settings.Stream();
        if (!StreamRunner.IsRunning(options.Home, spec.Name!)) throw new NotFoundException("running stream", spec.Name!, "glint stream status shows where it stands");
        StreamRunner.RequestStop(options.Home, spec.Name!);
        AnsiConsole.MarkupLineInterpolated($"asked streaming job [bold]{spec.Name}[/] to stop after its current batch");
        return 0;
    }
}

/// <summary><c>glint stream status &lt;spec&gt;</c>: committed sequence, head and lag per partition, the last batch, dead letters, freshness.</summary>
public sealed class StreamStatusCommand : Command<StreamStatusCommand.Settings>
{
    public sealed class Settings : StreamSettings
    {
        [CommandOption("--json")]
        [Description("Print the status as one JSON object.")]
        public bool Json { get; init; }
    }

    public override int Execute(CommandContext context, Settings settings, CancellationToken cancellation)
    {
        var (spec, options) = settings.Stream();
        var status = StreamStatuses.Of(spec, options, cancellation);
        if (settings.Json)
        {
            Console.Out.WriteLine(JsonSerializer.Serialize(new
            {
                job = status.Job, checkpoint = status.Checkpoint, running = status.Running, batch = status.Batch, last_commit = status.LastCommitUtc,
                last_batch_seconds = status.LastBatchSeconds, messages = status.TotalMessages, dead_letters = status.TotalDeadLetters,
                lag_messages = status.LagMessages, lag_seconds = status.LagSeconds, freshness_seconds = status.FreshnessSeconds,
                partitions = status.Partitions.Select(p => new { partition = p.Partition, committed = p.Committed, head = p.Head, lag_messages = p.LagMessages, lag_seconds = p.LagSeconds }),
            }));
            return 0;
        }
        Print(status);
        return 0;
    }

    private static void Print(StreamStatus s)
    {
        static string Seconds(double? v) => v is { } x ? x.ToString("0.0", CultureInfo.InvariantCulture) + " s" : "-";
        AnsiConsole.MarkupLineInterpolated($"[bold]{s.Job}[/]: {(s.Running ? $"running (process {s.ProcessId})" : "not running")}, checkpoint {s.Checkpoint}");
        AnsiConsole.MarkupLineInterpolated($"last batch {(s.Batch?.ToString(CultureInfo.InvariantCulture) ?? "-")} committed {(s.LastCommitUtc?.ToString("u", CultureInfo.InvariantCulture) ?? "-")} in {Seconds(s.LastBatchSeconds)}; {s.TotalMessages:N0} messages, {s.TotalDeadLetters:N0} dead letters; freshness {Seconds(s.FreshnessSeconds)}");
        var table = new Table().AddColumns("partition", "committed", "head", "lag (messages)", "lag (s)");
        foreach (var p in s.Partitions)
            table.AddRow(Markup.Escape(p.Partition), p.Committed.ToString(CultureInfo.InvariantCulture), p.Head.ToString(CultureInfo.InvariantCulture),
                p.LagMessages.ToString("N0", CultureInfo.InvariantCulture), Seconds(p.LagSeconds));
        AnsiConsole.Write(table);
        AnsiConsole.MarkupLineInterpolated($"lag {s.LagMessages:N0} messages, oldest {Seconds(s.LagSeconds)}");
    }
}

/// <summary><c>glint stream reset &lt;spec&gt; --to-sequence N | --to-time T</c>: where the next batch starts, for operators.</summary>
public sealed class StreamResetCommand : Command<StreamResetCommand.Settings>
{
    public sealed class Settings : StreamSettings
    {
        [CommandOption("--to-sequence <N>")]
        [Description("Resume after this stream sequence in every partition (0: read every message again).")]
        public long? ToSequence { get; init; }

        [CommandOption("--to-time <TIME>")]
        [Description("Resume at the first message at or after this time (ISO 8601, e.g. 2026-12-07T10:00:00Z).")]
        public string? ToTime { get; init; }

        public override ValidationResult Validate()
        {
            if ((ToSequence is null) == (ToTime is null)) return ValidationResult.Error("give one of --to-sequence N or --to-time T");
            if (ToSequence < 0) return ValidationResult.Error($"--to-sequence is 0 or more, not {ToSequence}");
            if (ToTime is not null && !DateTimeOffset.TryParse(ToTime, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out _))
                return ValidationResult.Error($"--to-time takes a time such as 2026-12-07T10:00:00Z, not '{ToTime}'");
            return ValidationResult.Success();
        }
    }

    public override int Execute(CommandContext context, Settings settings, CancellationToken cancellation)
    {
        var (spec, options) = settings.Stream();
        var store = StreamSettings.Store(options, out var owner);
        using (owner)
        {
            DateTimeOffset? time = settings.ToTime is { } t ? DateTimeOffset.Parse(t, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal) : null;
            var reset = StreamStatuses.Reset(spec, store, options, settings.ToSequence, time, cancellation);
            AnsiConsole.MarkupLineInterpolated($"checkpoint {spec.Checkpoint}: batch {reset.Batch} resumes after");
            foreach (var (partition, sequence) in reset.Sequences) AnsiConsole.MarkupLineInterpolated($"  {partition}: {sequence}");
            return 0;
        }
    }
}
