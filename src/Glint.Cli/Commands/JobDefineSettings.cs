using System.Collections.Immutable;
using System.ComponentModel;
using Glint.Common;
using Glint.Jobs;
using Spectre.Console;
using Spectre.Console.Cli;

namespace Glint.Cli.Commands;

/// <summary>The options of <c>glint job create</c> and <c>glint job update</c>; on update, an option not given keeps the job's value.</summary>
public sealed class JobDefineSettings : JobStoreSettings
{
    [CommandArgument(0, "<name>")]
    public string Name { get; init; } = "";

    [CommandOption("--spec <FILE>")]
    [Description("The job spec (YAML; ${name} placeholders take arguments). Relative paths in it are read from the spec's folder. Required by create.")]
    public string? Spec { get; init; }

    [CommandOption("--arg <KEY=VALUE>")]
    [Description("A default argument; may repeat (on update: added to or replacing the job's).")]
    public KeyValue[] Arguments { get; init; } = [];

    [CommandOption("--workers <N>")][Description("Number of workers of each run (at least 1).")] public int? Workers { get; init; }
    [CommandOption("--worker-type <TYPE>")][Description("local, G.025X, G.1X, G.2X, G.4X or G.8X.")] public string? WorkerType { get; init; }
    [CommandOption("--max-retries <N>")][Description("Failed runs are retried this many times (default 0).")] public int? MaxRetries { get; init; }
    [CommandOption("--timeout <DURATION>")][Description("A run longer than this ends as TIMEOUT: minutes (Glue's unit) or 90s, 30m, 2h (default 2880, Glue's 48 hours).")] public string? Timeout { get; init; }
    [CommandOption("--max-concurrent-runs <N>")][Description("Starts beyond this many live runs are refused (default 1).")] public int? MaxConcurrentRuns { get; init; }
    [CommandOption("--bookmark <OPTION>")][TypeConverter(typeof(ChoiceConverter<BookmarkOption>))][Description("enable, disable (default) or pause.")] public BookmarkOption? Bookmark { get; init; }

    public override ValidationResult Validate()
    {
        try
        {
            // The same checks a stored job gets, before anything is read or written.
            Apply(new JobDefinition(Name, "", ImmutableDictionary<string, string>.Empty)).Checked();
            return ValidationResult.Success();
        }
        catch (ConfigException e) { return ValidationResult.Error(e.Message); }
    }

    /// <summary>The spec file's text and folder, or null when --spec was not given; the spec must exist.</summary>
    internal (string Text, string? Folder)? ReadSpec()
    {
        if (Spec is null) return null;
        var path = Path.GetFullPath(Spec);
        return File.Exists(path) ? (File.ReadAllText(path), Path.GetDirectoryName(path)) : throw new SpecException($"job spec '{path}' does not exist");
    }

    /// <summary>The job with the options that were given applied.</summary>
    internal JobDefinition Apply(JobDefinition job) => job with
    {
        DefaultArguments = job.DefaultArguments.SetItems(KeyValue.ToDictionary(Arguments)),
        Workers = Workers ?? job.Workers,
        WorkerType = WorkerType ?? job.WorkerType,
        MaxRetries = MaxRetries ?? job.MaxRetries,
        TimeoutMinutes = Timeout is null ? job.TimeoutMinutes : Durations.Parse("--timeout", Timeout, TimeSpan.FromMinutes(1)).TotalMinutes,
        MaxConcurrentRuns = MaxConcurrentRuns ?? job.MaxConcurrentRuns,
        Bookmarks = Bookmark ?? job.Bookmarks,
    };
}
