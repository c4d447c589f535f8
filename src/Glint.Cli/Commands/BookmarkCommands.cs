using System.ComponentModel;
using System.Globalization;
using Glint.Common;
using Glint.Jobs;
using Spectre.Console;
using Spectre.Console.Cli;

namespace Glint.Cli.Commands;

/// <summary><c>glint bookmark rewind &lt;job&gt; --to-run &lt;run-id&gt;</c>: bookmarks as that run committed them.</summary>
public sealed class BookmarkRewindCommand : Command<BookmarkRewindCommand.Settings>
{
    public sealed class Settings : JobStoreSettings
    {
        [CommandArgument(0, "<job>")]
        public string Job { get; init; } = "";

        [CommandOption("--to-run <RUN-ID>")]
        [Description("A successful run of the job; files that later runs read are read again.")]
        [TypeConverter(typeof(RunIdConverter))]
        public RunId? Run { get; init; }

        public override ValidationResult Validate() =>
            Run is null ? ValidationResult.Error("glint bookmark rewind needs --to-run <RUN-ID>, a successful run of the job (glint runs --job lists them)") : base.Validate();
    }

    public override int Execute(CommandContext context, Settings settings, CancellationToken cancellation)
    {
        using var jobs = settings.OpenJobs();
        jobs.RewindBookmarks(settings.Job, settings.Run!.Value);
        AnsiConsole.MarkupLineInterpolated($"bookmarks of {settings.Job} rewound to run {settings.Run}");
        return 0;
    }
}

/// <summary><c>glint bookmark set &lt;job&gt; --source s --to &lt;time&gt;</c>: files modified before the time count as processed.</summary>
public sealed class BookmarkSetCommand : Command<BookmarkSetCommand.Settings>
{
    public sealed class Settings : JobStoreSettings
    {
        [CommandArgument(0, "<job>")]
        public string Job { get; init; } = "";

        [CommandOption("--source <NAME>")]
        public string Source { get; init; } = "";

        [CommandOption("--to <TIME>")]
        [Description("UTC date or time, e.g. 2024-06-01 or 2024-06-01T12:00:00Z: files modified before it count as processed.")]
        public string? To { get; init; }

        [CommandOption("--to-key <VALUES>")]
        [Description("For a database source: the last bookmark key value(s) processed, comma-separated; the next run reads the rows past them.")]
        public string? ToKey { get; init; }
    }

    public override int Execute(CommandContext context, Settings settings, CancellationToken cancellation)
    {
        if (string.IsNullOrWhiteSpace(settings.Source)) throw new ConfigException("--source", "name the source whose bookmark to set with --source");
        if ((settings.To is null) == (settings.ToKey is null)) throw new ConfigException("--to", "give --to <time> (a file source) or --to-key <values> (a database source)");
        using var jobs = settings.OpenJobs();
        var job = jobs.RequireJob(settings.Job);
        var source = BookmarkSources.Source(job, settings.Source);
        var current = jobs.Bookmarks(job.Name).FirstOrDefault(b => b.Source == settings.Source)?.State ?? Bookmark.Empty;
        if (settings.ToKey is not null && source.Connection is null)
            throw new ConfigException("--to-key", $"source '{settings.Source}' reads files: set its bookmark with --to <time>; --to-key is for database sources (their bookmark_keys)");
        if (settings.To is not null && source.Connection is not null)
            throw new ConfigException("--to", $"source '{settings.Source}' reads a database: set its bookmark with --to-key <values> (its bookmark_keys); --to is for file sources");
        if (settings.ToKey is { } key)
        {
            var options = Glint.Storage.Databases.DatabaseReadOptions.From(source.Options);
            var columns = current.Keys?.Columns ?? (options.BookmarkKeys.IsEmpty
                ? throw new SpecException($"source '{settings.Source}' names no bookmark_keys and has no bookmark yet; run the job once or add bookmark_keys")
                : options.BookmarkKeys);
            var values = key.Split(',', StringSplitOptions.TrimEntries);
            if (values.Length != columns.Length)
                throw new ConfigException("--to-key", $"--to-key needs {columns.Length} value(s), one per bookmark key ({string.Join(", ", columns)})");
            var keys = new KeyBookmark(columns, current.Keys?.Descending ?? options.BookmarkDescending, [.. values]);
            jobs.SetBookmark(job.Name, settings.Source, Bookmark.Empty with { Keys = keys });
            AnsiConsole.MarkupLineInterpolated($"bookmark of {settings.Job}/{settings.Source}: the next run reads rows with {keys}");
            return 0;
        }
        if (!DateTime.TryParse(settings.To, CultureInfo.InvariantCulture, DateTimeStyles.AdjustToUniversal | DateTimeStyles.AssumeUniversal, out var to))
            throw new ConfigException("--to", $"--to takes a date or time such as 2024-06-01T12:00:00Z, not '{settings.To}'");
        jobs.SetBookmark(job.Name, settings.Source, current with { ProcessedBefore = to });
        AnsiConsole.MarkupLineInterpolated($"bookmark of {settings.Job}/{settings.Source}: files modified before {to:u} count as processed");
        return 0;
    }
}

/// <summary>The sources of a stored job, as its spec names them, for commands that name one.</summary>
internal static class BookmarkSources
{
    public static SourceSpec Source(JobDefinition job, string name)
    {
        var spec = JobSpecLoader.Parse(JobRunner.Substitute(job.Spec, job.DefaultArguments, job.Name), job.BaseFolder ?? ".", $"job '{job.Name}'");
        return spec.Sources.TryGetValue(name, out var source) ? source
            : throw new NotFoundException("source", name, $"job '{job.Name}' reads {string.Join(", ", spec.Sources.Keys.Select(k => $"'{k}'"))}{Suggestions.DidYouMean(name, spec.Sources.Keys)}");
    }
}

/// <summary>The job (and optional source) a bookmark command is about.</summary>
public sealed class BookmarkSettings : JobStoreSettings
{
    [CommandArgument(0, "<job>")]
    public string Job { get; init; } = "";

    [CommandOption("--source <NAME>")]
    [Description("Only this source's bookmark.")]
    public string? Source { get; init; }

    /// <summary>The stored job; the --source, when given, must be one of its sources.</summary>
    internal JobDefinition Find(IJobStore jobs)
    {
        var job = jobs.RequireJob(Job);
        if (Source is { } name) BookmarkSources.Source(job, name);
        return job;
    }
}

/// <summary><c>glint bookmark show &lt;job&gt; [--source name]</c></summary>
public sealed class BookmarkShowCommand : Command<BookmarkSettings>
{
    public override int Execute(CommandContext context, BookmarkSettings settings, CancellationToken cancellation)
    {
        using var jobs = settings.OpenJobs();
        settings.Find(jobs);
        var table = new Table().Border(TableBorder.Rounded).AddColumns("source", "files seen", "newest file modified", "processed before", "last key", "committed by run", "updated");
        foreach (var b in jobs.Bookmarks(settings.Job).Where(b => settings.Source is null || b.Source == settings.Source))
        {
            var files = b.State.Keys is null;
            var newest = files && b.State.Files.Length > 0 ? b.State.HighWaterUtc.ToString("u") : "";
            table.AddRow(Markup.Escape(b.Source), files ? b.State.Files.Length.ToString() : "", newest,
                b.State.ProcessedBefore?.ToString("u") ?? "", Markup.Escape(b.State.Keys?.ToString() ?? ""), Markup.Escape(b.RunId.Value), b.Updated.ToString("u"));
        }
        AnsiConsole.Write(table);
        return 0;
    }
}

/// <summary><c>glint bookmark reset &lt;job&gt; [--source name]</c>: the next run reads everything (of that source).</summary>
public sealed class BookmarkResetCommand : Command<BookmarkSettings>
{
    public override int Execute(CommandContext context, BookmarkSettings settings, CancellationToken cancellation)
    {
        using var jobs = settings.OpenJobs();
        settings.Find(jobs);
        jobs.ResetBookmarks(settings.Job, settings.Source);
        AnsiConsole.MarkupLineInterpolated($"bookmarks of {settings.Job}{(settings.Source is null ? "" : $" for source {settings.Source}")} reset: the next run reads everything");
        return 0;
    }
}
