using System.ComponentModel;
using Glint.Execution;
using Glint.Jobs;
using Spectre.Console;
using Spectre.Console.Cli;

namespace Glint.Cli.Commands;

/// <summary><c>glint gc [FOLDER…] [--older-than 7d]</c>: removes what dead runs left behind.</summary>
public sealed class GcCommand : Command<GcCommand.Settings>
{
    public sealed class Settings : JobStoreSettings
    {
        [CommandArgument(0, "[folders]")]
        [Description("Target folders to clean of dead runs' staging, besides every catalog table's location.")]
        public string[] Folders { get; init; } = [];

        [CommandOption("--older-than <AGE>")]
        [Description("Only what is older than this: 90s, 30m, 12h or 7d (default 1h).")]
        public string OlderThan { get; init; } = "1h";
    }

    public override int Execute(CommandContext context, Settings settings, CancellationToken cancellation)
    {
        var age = Common.Durations.Parse("--older-than", settings.OlderThan);
        using var store = settings.Open();
        var report = GarbageCollector.Collect(SessionOptions.DefaultHome(), store, age, settings.Folders.Select(Path.GetFullPath));
        foreach (var run in report.Recovered) AnsiConsole.WriteLine(run.ToString());
        foreach (var folder in report.Removed) AnsiConsole.WriteLine($"removed {folder}");
        foreach (var run in report.RunsMarkedFailed) AnsiConsole.WriteLine($"run {run}: its process is gone; recorded as FAILED");
        AnsiConsole.WriteLine($"{report.Recovered.Count} interrupted commit(s) repaired, {report.Removed.Count} folder(s) removed, {report.RunsMarkedFailed.Count} run(s) marked FAILED");
        return 0;
    }
}
