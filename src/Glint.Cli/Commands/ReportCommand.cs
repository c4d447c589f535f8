using System.ComponentModel;
using Glint.Errors;
using Glint.Reports;
using Spectre.Console;
using Spectre.Console.Cli;

namespace Glint.Cli.Commands;

/// <summary><c>glint report &lt;run-id&gt; [-o report.html]</c>: a recorded run as one self-contained HTML file.</summary>
public sealed class ReportCommand : Command<ReportCommand.Settings>
{
    public sealed class Settings : JobStoreSettings
    {
        [CommandArgument(0, "<run-id>")]
        public string RunId { get; init; } = "";

        [CommandOption("-o|--output <FILE>")]
        [Description("Where to write the report (default report-<run-id>.html in this folder).")]
        public string? Output { get; init; }
    }

    public override int Execute(CommandContext context, Settings settings, CancellationToken cancellation)
    {
        var jobs = settings.Jobs(out var store);
        using (store)
        {
            var run = jobs.FindRun(settings.RunId) ?? throw new SpecException($"run '{settings.RunId}' is not on record in {store.Description}");
            var path = Path.GetFullPath(settings.Output ?? $"report-{run.RunId}.html");
            File.WriteAllText(path, RunReport.Render(run, jobs.TaskAttempts(run.RunId)));
            AnsiConsole.MarkupLineInterpolated($"wrote the report of run {run.RunId} to {path}");
            return 0;
        }
    }
}
