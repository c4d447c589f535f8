using System.Collections.Immutable;
using System.ComponentModel;
using System.Globalization;
using Glint.Api;
using Glint.Catalog;
using Glint.Errors;
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
        public string Run { get; init; } = "";
    }

    public override int Execute(CommandContext context, Settings settings, CancellationToken cancellation)
    {
        var jobs = settings.Jobs(out var store);
        using (store) jobs.RewindBookmarks(settings.Job, settings.Run);
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
        var jobs = settings.Jobs(out var store);
        using (store)
        {
            var job = jobs.FindJob(settings.Job) ?? throw new SpecException($"job '{settings.Job}' does not exist");
            var spec = JobSpecLoader.Parse(JobRunner.Substitute(job.Spec, job.DefaultArguments, job.Name), job.BaseFolder ?? ".", $"job '{job.Name}'");
            if (!spec.Sources.TryGetValue(settings.Source, out var source))
                throw new SpecException($"job '{job.Name}' has no source '{settings.Source}' (its sources: {string.Join(", ", spec.Sources.Keys)})");
            var current = jobs.Bookmarks(job.Name).FirstOrDefault(b => b.Source == settings.Source)?.State ?? Bookmark.Empty;
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
        }
        return 0;
    }
}

/// <summary><c>glint bookmark show &lt;job&gt;</c></summary>
public sealed class BookmarkShowCommand : BookmarkCommand
{
    protected override bool Reset => false;
}

/// <summary><c>glint bookmark reset &lt;job&gt; [--source name]</c></summary>
public sealed class BookmarkResetCommand : BookmarkCommand
{
    protected override bool Reset => true;
}

/// <summary>Shows or resets a job's bookmarks.</summary>
public abstract class BookmarkCommand : Command<BookmarkCommand.Settings>
{
    protected abstract bool Reset { get; }

    public sealed class Settings : JobStoreSettings
    {
        [CommandArgument(0, "<job>")]
        public string Job { get; init; } = "";

        [CommandOption("--source <NAME>")]
        [Description("Only this source's bookmark.")]
        public string? Source { get; init; }
    }

    public override int Execute(CommandContext context, Settings settings, CancellationToken cancellation)
    {
        var jobs = settings.Jobs(out var store);
        using (store)
        {
            if (jobs.FindJob(settings.Job) is null) throw new SpecException($"job '{settings.Job}' does not exist");
            if (Reset)
            {
                jobs.ResetBookmarks(settings.Job, settings.Source);
                AnsiConsole.MarkupLineInterpolated($"bookmarks of {settings.Job}{(settings.Source is null ? "" : $" for source {settings.Source}")} reset: the next run reads everything");
                return 0;
            }
            var table = new Table().Border(TableBorder.Rounded).AddColumns("source", "files seen", "newest file modified", "processed before", "last key", "committed by run", "updated");
            foreach (var b in jobs.Bookmarks(settings.Job).Where(b => settings.Source is null || b.Source == settings.Source))
                table.AddRow(Markup.Escape(b.Source), b.State.Keys is null ? b.State.Files.Length.ToString() : "", b.State.Keys is null ? b.State.HighWaterUtc.ToString("u") : "",
                    b.State.ProcessedBefore?.ToString("u") ?? "", Markup.Escape(b.State.Keys?.ToString() ?? ""), Markup.Escape(b.RunId), b.Updated.ToString("u"));
            AnsiConsole.Write(table);
            return 0;
        }
    }
}
