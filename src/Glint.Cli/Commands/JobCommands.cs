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

/// <summary>Settings of commands about jobs: the metastore that keeps them.</summary>
public class JobStoreSettings : CatalogSettings
{
    public IJobStore Jobs(out IMetastore store)
    {
        store = Open();
        return store as IJobStore ?? throw new ConfigException("metastore", $"{store.Description} does not keep jobs");
    }

    internal static ImmutableDictionary<string, string> Pairs(IEnumerable<string> pairs, string option) =>
        pairs.Select(p => p.IndexOf('=') is var eq and > 0 ? (p[..eq], p[(eq + 1)..]) : throw new ConfigException(option, $"{option} takes key=value, not '{p}'"))
            .ToImmutableDictionary(p => p.Item1, p => p.Item2);
}

/// <summary><c>glint job create &lt;name&gt; --spec job.yaml …</c></summary>
public sealed class JobCreateCommand : JobDefineCommand
{
    protected override bool Update => false;
}

/// <summary><c>glint job update &lt;name&gt; --spec job.yaml …</c></summary>
public sealed class JobUpdateCommand : JobDefineCommand
{
    protected override bool Update => true;
}

/// <summary>Stores a job from a spec file and options.</summary>
public abstract class JobDefineCommand : Command<JobDefineCommand.Settings>
{
    protected abstract bool Update { get; }

    public sealed class Settings : JobStoreSettings
    {
        [CommandArgument(0, "<name>")]
        public string Name { get; init; } = "";

        [CommandOption("--spec <FILE>")]
        [Description("The job spec (YAML; ${name} placeholders take arguments). Relative paths in it are read from the spec's folder.")]
        public string Spec { get; init; } = "";

        [CommandOption("--arg <KEY=VALUE>")]
        [Description("A default argument; may repeat.")]
        public string[] Arguments { get; init; } = [];

        [CommandOption("--workers <N>")] public int? Workers { get; init; }
        [CommandOption("--worker-type <TYPE>")] public string? WorkerType { get; init; }
        [CommandOption("--max-retries <N>")][Description("Failed runs are retried this many times (default 0).")] public int MaxRetries { get; init; }
        [CommandOption("--timeout <MINUTES>")][Description("A run longer than this ends as TIMEOUT (default 2880, Glue's 48 hours).")] public int Timeout { get; init; } = 2880;
        [CommandOption("--max-concurrent-runs <N>")][Description("Starts beyond this many live runs are refused (default 1).")] public int MaxConcurrentRuns { get; init; } = 1;
        [CommandOption("--bookmark <OPTION>")][Description("enable, disable (default) or pause.")] public string Bookmark { get; init; } = "disable";
    }

    public override int Execute(CommandContext context, Settings settings, CancellationToken cancellation)
    {
        var jobs = settings.Jobs(out var store);
        using (store)
        {
            var path = Path.GetFullPath(settings.Spec);
            if (!File.Exists(path)) throw new SpecException($"job spec '{path}' does not exist");
            var bookmark = settings.Bookmark.ToLowerInvariant() switch
            {
                "enable" => BookmarkOption.Enable,
                "disable" => BookmarkOption.Disable,
                "pause" => BookmarkOption.Pause,
                _ => throw new ConfigException("--bookmark", $"--bookmark is enable, disable or pause, not '{settings.Bookmark}'"),
            };
            var job = new JobDefinition(settings.Name, File.ReadAllText(path), JobStoreSettings.Pairs(settings.Arguments, "--arg"), settings.WorkerType,
                settings.Workers, settings.MaxRetries, settings.Timeout, settings.MaxConcurrentRuns, bookmark, Path.GetDirectoryName(path));
            if (Update) jobs.UpdateJob(job); else jobs.CreateJob(job);
            AnsiConsole.MarkupLineInterpolated($"job [bold]{job.Name}[/] {(Update ? "updated" : "created")} in {store.Description}");
            return 0;
        }
    }
}

/// <summary><c>glint job list</c></summary>
public sealed class JobListCommand : Command<JobStoreSettings>
{
    public override int Execute(CommandContext context, JobStoreSettings settings, CancellationToken cancellation)
    {
        var jobs = settings.Jobs(out var store);
        using (store)
        {
            var table = new Table().Border(TableBorder.Rounded).AddColumns("job", "bookmarks", "retries", "timeout", "concurrent", "last run", "state");
            foreach (var job in jobs.Jobs())
            {
                var last = jobs.Runs(job.Name).FirstOrDefault();
                table.AddRow(Markup.Escape(job.Name), job.Bookmarks.ToString().ToLowerInvariant(), job.MaxRetries.ToString(), $"{job.TimeoutMinutes} min",
                    job.MaxConcurrentRuns.ToString(), last?.RunId ?? "", last?.State.ToString().ToUpperInvariant() ?? "");
            }
            AnsiConsole.Write(table);
            return 0;
        }
    }
}

/// <summary>Settings of commands about one job.</summary>
public sealed class JobNameSettings : JobStoreSettings
{
    [CommandArgument(0, "<name>")]
    public string Name { get; init; } = "";
}

/// <summary><c>glint job show &lt;name&gt;</c></summary>
public sealed class JobShowCommand : Command<JobNameSettings>
{
    public override int Execute(CommandContext context, JobNameSettings settings, CancellationToken cancellation)
    {
        var jobs = settings.Jobs(out var store);
        using (store)
        {
            var job = jobs.FindJob(settings.Name) ?? throw new SpecException($"job '{settings.Name}' does not exist");
            AnsiConsole.MarkupLineInterpolated($"[bold]{job.Name}[/]: bookmarks {job.Bookmarks.ToString().ToLowerInvariant()}, max retries {job.MaxRetries}, timeout {job.TimeoutMinutes} min, max concurrent runs {job.MaxConcurrentRuns}");
            foreach (var (k, v) in job.DefaultArguments.OrderBy(kv => kv.Key)) AnsiConsole.MarkupLineInterpolated($"  --arg {k}={v}");
            AnsiConsole.WriteLine(job.Spec);
            RunsCommand.Print(jobs.Runs(job.Name));
            return 0;
        }
    }
}

/// <summary><c>glint job delete &lt;name&gt;</c></summary>
public sealed class JobDeleteCommand : Command<JobNameSettings>
{
    public override int Execute(CommandContext context, JobNameSettings settings, CancellationToken cancellation)
    {
        var jobs = settings.Jobs(out var store);
        using (store) jobs.DeleteJob(settings.Name);
        AnsiConsole.MarkupLineInterpolated($"job {settings.Name} deleted (its runs stay on record)");
        return 0;
    }
}

/// <summary><c>glint job start &lt;name&gt; [--arg key=value]…</c>: runs the job here and now, recording the run.</summary>
public sealed class JobStartCommand : Command<JobStartCommand.Settings>
{
    public sealed class Settings : JobStoreSettings
    {
        [CommandArgument(0, "<name>")]
        public string Name { get; init; } = "";

        [CommandOption("--arg <KEY=VALUE>")]
        [Description("An argument for this run (overrides the job's default); may repeat.")]
        public string[] Arguments { get; init; } = [];

        [CommandOption("--cluster <NAME>")]
        [Description("Run the tasks on the executors of this cluster instead of in this process.")]
        public string? Cluster { get; init; }

        [CommandOption("--membership <REDIS>")]
        [Description("The cluster's membership store, Redis host:port (default $GLINT_CLUSTER_MEMBERSHIP).")]
        public string? Membership { get; init; }

        [CommandOption("--executors <N>")]
        [Description("With --cluster: wait (up to 60 s) until at least N executors have joined (default 1).")]
        public int Executors { get; init; } = 1;

        [CommandOption("--secret <FILE>")]
        [Description("With --cluster: the cluster secret (default $GLINT_CLUSTER_SECRET).")]
        public string? Secret { get; init; }
    }

    public override int Execute(CommandContext context, Settings settings, CancellationToken cancellation)
    {
        var pool = settings.Cluster is null ? null
            : ClusterConnections.Connect(Glint.Cluster.ClusterOptions.From(settings.Cluster, settings.Membership, settings.Secret), settings.Executors);
        var jobs = settings.Jobs(out var store);
        using (store)
        using (var cancel = CancellationTokenSource.CreateLinkedTokenSource(cancellation))
        {
            ConsoleCancelEventHandler onCancel = (_, e) => { e.Cancel = true; cancel.Cancel(); };
            Console.CancelKeyPress += onCancel;
            try
            {
                var runner = new JobRunner(jobs, new SessionOptions { Metastore = settings.Metastore, Pool = pool });
                var run = runner.Start(settings.Name, JobStoreSettings.Pairs(settings.Arguments, "--arg"), cancel.Token,
                    started: r => AnsiConsole.MarkupLineInterpolated($"job [bold]{r.Job}[/] run {r.RunId} (attempt {r.Attempt}) RUNNING"));
                RunsCommand.Print([run]);
                return run.State == RunState.Succeeded ? 0 : 1;
            }
            finally
            {
                Console.CancelKeyPress -= onCancel;
            }
        }
    }
}

/// <summary><c>glint job stop &lt;run-id&gt;</c>: asks a run in progress (in any process) to stop.</summary>
public sealed class JobStopCommand : Command<JobNameSettings>
{
    public override int Execute(CommandContext context, JobNameSettings settings, CancellationToken cancellation)
    {
        var jobs = settings.Jobs(out var store);
        using (store) jobs.RequestStop(settings.Name);
        AnsiConsole.MarkupLineInterpolated($"asked run {settings.Name} to stop; it ends as STOPPED at its next heartbeat");
        return 0;
    }
}

/// <summary><c>glint runs [--job name]</c></summary>
public sealed class RunsCommand : Command<RunsCommand.Settings>
{
    public class Settings : JobStoreSettings
    {
        [CommandOption("--job <NAME>")]
        public string? Job { get; init; }
    }

    public override int Execute(CommandContext context, Settings settings, CancellationToken cancellation)
    {
        var jobs = settings.Jobs(out var store);
        using (store) Print(jobs.Runs(settings.Job));
        return 0;
    }

    internal static void Print(IEnumerable<JobRun> runs)
    {
        var table = new Table().Border(TableBorder.Rounded).AddColumns("run", "job", "attempt", "state", "started", "seconds", "rows in / out", "DPU-s", "cost", "error");
        foreach (var r in runs)
            table.AddRow(r.RunId, Markup.Escape(r.Job), r.Attempt.ToString(), r.State.ToString().ToUpperInvariant(), r.Started.ToString("u"),
                r.Record?.WallSeconds.ToString("0.00", CultureInfo.InvariantCulture) ?? "",
                r.Record is { } rec ? $"{rec.RowsIn?.ToString("N0", CultureInfo.InvariantCulture) ?? "n/a"} / {rec.RowsOut:N0}" : "",
                r.Record?.DpuSeconds.ToString("0.0", CultureInfo.InvariantCulture) ?? "", r.Record is { } c ? $"${c.Cost.ToString("0.0000", CultureInfo.InvariantCulture)}" : "",
                Markup.Escape(r.Error ?? ""));
        AnsiConsole.Write(table);
    }
}

/// <summary><c>glint runs show &lt;run-id&gt;</c>: a run and every one of its task attempts (stage, slot, start, duration, rows, bytes).</summary>
public sealed class RunShowCommand : Command<RunShowCommand.Settings>
{
    public sealed class Settings : RunsCommand.Settings
    {
        [CommandArgument(0, "<run-id>")]
        public string RunId { get; init; } = "";

        [CommandOption("--plan")]
        [Description("Print the plan as executed (stages, tasks planned and run, adaptive decisions) instead of the task attempts.")]
        public bool Plan { get; init; }
    }

    public override int Execute(CommandContext context, Settings settings, CancellationToken cancellation)
    {
        var jobs = settings.Jobs(out var store);
        using (store)
        {
            var run = jobs.FindRun(settings.RunId) ?? throw new SpecException($"run '{settings.RunId}' is not on record in {store.Description}");
            RunsCommand.Print([run]);
            if (settings.Plan)
            {
                Console.Out.Write(ExecutedPlan.Render(run));
                return 0;
            }
            var attempts = jobs.TaskAttempts(run.RunId);
            var table = new Table().Border(TableBorder.Rounded).AddColumns("attempt", "slot", "started", "seconds", "ok", "rows in", "rows out", "bytes out", "error");
            foreach (var a in attempts)
                table.AddRow(a.AttemptId, Markup.Escape(a.Slot), a.Started.ToString("HH:mm:ss.fff"), (a.Ended - a.Started).TotalSeconds.ToString("0.000", CultureInfo.InvariantCulture),
                    a.Succeeded ? "yes" : "no", a.RowsIn?.ToString("N0", CultureInfo.InvariantCulture) ?? "", a.RowsOut?.ToString("N0", CultureInfo.InvariantCulture) ?? "",
                    a.BytesOut is { } b ? Glint.Plan.Bytes.Format(b) : "", Markup.Escape(a.Error ?? ""));
            AnsiConsole.Write(table);
            AnsiConsole.MarkupLineInterpolated($"{attempts.Count} task attempt(s)");
            return 0;
        }
    }
}

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
