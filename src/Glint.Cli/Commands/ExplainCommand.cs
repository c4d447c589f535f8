using System.ComponentModel;
using Glint.Jobs;
using Spectre.Console.Cli;

namespace Glint.Cli.Commands;

public sealed class ExplainCommand : Command<ExplainCommand.Settings>
{
    public sealed class Settings : JobSettings
    {
        [CommandOption("--all-splits")]
        [Description("List every split, not only the first few.")]
        public bool AllSplits { get; init; }
    }

    public override int Execute(CommandContext context, Settings settings, CancellationToken cancellation)
    {
        var (spec, session) = settings.Load();
        Console.WriteLine($"Job {spec.Name}");
        Console.Write(session.Explain(JobPlanner.Actions(spec, session), settings.AllSplits));
        return 0;
    }
}
