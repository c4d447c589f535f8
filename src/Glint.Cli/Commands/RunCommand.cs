using Glint.Cli.Terminal;
using Glint.Jobs;
using Spectre.Console.Cli;

namespace Glint.Cli.Commands;

public sealed class RunCommand : Command<JobSettings>
{
    public override int Execute(CommandContext context, JobSettings settings, CancellationToken cancellation)
    {
        var (spec, session) = settings.Load();
        if (spec.IsStreaming())
            throw new Common.SpecException($"job '{spec.Name}' is a streaming job: run it with glint stream start {settings.Spec}");
        JobConsole.Run(spec, session.Options, cancellation);
        return 0;
    }
}
