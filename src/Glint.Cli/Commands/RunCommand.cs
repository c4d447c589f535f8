using Glint.Cli.Terminal;
using Spectre.Console.Cli;

namespace Glint.Cli.Commands;

public sealed class RunCommand : Command<JobSettings>
{
    public override int Execute(CommandContext context, JobSettings settings, CancellationToken cancellation)
    {
        var (spec, session) = settings.Load();
        JobConsole.Run(spec, session.Options, cancellation);
        return 0;
    }
}
