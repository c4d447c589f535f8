using System.ComponentModel;
using Glint.Common;
using Glint.Jobs;
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
        [TypeConverter(typeof(RunIdConverter))]
        public RunId RunId { get; init; }

        [CommandOption("-o|--output <FILE>")]
        [Description("Where to write the report (default $GLINT_HOME/reports/report-<run-id>.html).")]
        public string? Output { get; init; }
    }

    public override int Execute(CommandContext context, Settings settings, CancellationToken cancellation)
    {
        using var jobs = settings.OpenJobs();
        var run = jobs.RequireRun(settings.RunId);
        // Not into whatever folder the user happens to be in: under the Glint home, where the runs it reports on live.
        var path = Path.GetFullPath(settings.Output ?? Path.Combine(Glint.Execution.SessionOptions.DefaultHome(), "reports", $"report-{run.RunId}.html"));
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllText(path, RunReport.Render(run, jobs.TaskAttempts(run.RunId), jobs.Runs(run.Job)));
        AnsiConsole.MarkupLineInterpolated($"wrote the report of run {run.RunId} to {path}");
        return 0;
    }
}
