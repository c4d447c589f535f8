using System.ComponentModel;
using System.Globalization;
using Glint.Common;
using Glint.Jobs;
using Spectre.Console;
using Spectre.Console.Cli;

namespace Glint.Cli.Commands;

/// <summary><c>glint runs [--job name]</c></summary>
public sealed class RunsCommand : Command<RunsCommand.Settings>
{
    public class Settings : JobStoreSettings
    {
        [CommandOption("--job <NAME>")]
        public string? Job { get; init; }
    }

    public override int Execute(CommandContext context, Settings settings, CancellationToken cancellation)
    {
        using var jobs = settings.OpenJobs();
        Print(jobs.Runs(settings.Job));
        return 0;
    }

    internal static void Print(IEnumerable<JobRun> runs)
    {
        var table = new Table().Border(TableBorder.Rounded).AddColumns("run", "job", "attempt", "state", "started", "seconds", "rows in / out", "DPU-s", "cost", "error");
        foreach (var r in runs)
            table.AddRow(r.RunId.Value, Markup.Escape(r.Job), r.Attempt.ToString(), r.State.ToString().ToUpperInvariant(), r.Started.ToString("u"),
                r.Record?.WallSeconds.ToString("0.00", CultureInfo.InvariantCulture) ?? "",
                r.Record is { } rec ? $"{rec.RowsIn?.ToString("N0", CultureInfo.InvariantCulture) ?? "n/a"} / {rec.RowsOut:N0}" : "",
                r.Record?.DpuSeconds.ToString("0.0", CultureInfo.InvariantCulture) ?? "", r.Record is { } c ? $"${c.Cost.ToString("0.0000", CultureInfo.InvariantCulture)}" : "",
                Markup.Escape(r.Error ?? ""));
        AnsiConsole.Write(table);
    }
}

/// <summary><c>glint runs show &lt;run-id&gt;</c>: a run and every one of its task attempts (stage, slot, start, duration, rows, bytes).</summary>
public sealed class RunShowCommand : Command<RunShowCommand.Settings>
{
    public sealed class Settings : RunsCommand.Settings
    {
        [CommandArgument(0, "<run-id>")]
        [TypeConverter(typeof(RunIdConverter))]
        public RunId RunId { get; init; }

        [CommandOption("--plan")]
        [Description("Print the plan as executed (stages, tasks planned and run, adaptive decisions) instead of the task attempts.")]
        public bool Plan { get; init; }
    }

    public override int Execute(CommandContext context, Settings settings, CancellationToken cancellation)
    {
        using var jobs = settings.OpenJobs();
        var run = jobs.RequireRun(settings.RunId);
        RunsCommand.Print([run]);
        if (run.Record?.Quality is { Count: > 0 } quality) Terminal.QualityTable.Print(quality, withRuleset: true);
        if (settings.Plan)
        {
            Console.Out.Write(ExecutedPlan.Render(run));
            return 0;
        }
        var attempts = jobs.TaskAttempts(run.RunId);
        var table = new Table().Border(TableBorder.Rounded).AddColumns("attempt", "slot", "started", "seconds", "ok", "rows in", "rows out", "bytes out", "error");
        foreach (var a in attempts)
            table.AddRow(a.AttemptId, Markup.Escape(a.Slot), a.Started.ToString("HH:mm:ss.fff"), (a.Ended - a.Started).TotalSeconds.ToString("0.000", CultureInfo.InvariantCulture),
                a.Succeeded ? "yes" : "no", a.RowsIn?.ToString("N0", CultureInfo.InvariantCulture) ?? "", a.RowsOut?.ToString("N0", CultureInfo.InvariantCulture) ?? "",
                a.BytesOut is { } b ? Common.Bytes.Format(b) : "", Markup.Escape(a.Error ?? ""));
        AnsiConsole.Write(table);
        AnsiConsole.MarkupLineInterpolated($"{attempts.Count} task attempt(s)");
        return 0;
    }
}
