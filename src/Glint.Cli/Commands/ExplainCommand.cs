using System.ComponentModel;
using Glint.Api;
using Glint.Common;
using Glint.Jobs;
using Spectre.Console.Cli;

namespace Glint.Cli.Commands;

public sealed class ExplainCommand : Command<ExplainCommand.Settings>
{
    public sealed class Settings : SqlSettings
    {
        [CommandArgument(0, "[spec]")]
        [Description("Path of the YAML job spec (or give --sql).")]
        public string? Spec { get; init; }

        [CommandOption("--sql <STATEMENT>")]
        [Description("Explain a SELECT over the --source inputs instead of a job spec.")]
        public string? Sql { get; init; }

        [CommandOption("--arg <NAME=VALUE>")]
        [Description("A value for ${NAME} in the spec; may repeat.")]
        public KeyValue[] Arguments { get; init; } = [];

        [CommandOption("--all-splits")]
        [Description("List every split, and every file in the task SQL shown, not only the first few.")]
        public bool AllSplits { get; init; }
    }

    public override int Execute(CommandContext context, Settings settings, CancellationToken cancellation)
    {
        if (settings.Sql is { } statement)
        {
            if (settings.Spec is not null) throw new ConfigException("--sql", "give either a job spec or --sql, not both");
            var session = new GlintSession(settings.Options());
            var frame = session.Sql(statement, settings.Inputs(session));
            Console.WriteLine("SQL");
            Console.Write(frame.Explain(settings.AllSplits));
            return 0;
        }
        if (settings.Spec is null) throw new ConfigException("spec", "give a job spec to explain, or --sql \"SELECT …\" with --source inputs");
        var job = new JobSettings { Spec = settings.Spec, Workers = settings.Workers, WorkerType = settings.WorkerType, Set = settings.Set, Arguments = settings.Arguments };
        var (spec, jobSession) = job.Load();
        Console.WriteLine($"Job {spec.Name}");
        Console.Write(jobSession.Explain(JobPlanner.Actions(spec, jobSession), settings.AllSplits));
        return 0;
    }
}
