using System.Collections.Immutable;
using System.ComponentModel;
using Glint.Common;
using Glint.Execution;
using Glint.Jobs;
using Spectre.Console;
using Spectre.Console.Cli;

namespace Glint.Cli.Commands;

/// <summary>Settings of commands about jobs: the metastore that keeps them.</summary>
public class JobStoreSettings : CatalogSettings
{
    /// <summary>The job store over this command's metastore; disposing it closes the metastore.</summary>
    public SqlJobStore OpenJobs() => SqlJobStore.Open(Metastore, SessionOptions.DefaultHome());
}

/// <summary><c>glint job create &lt;name&gt; --spec job.yaml …</c></summary>
public sealed class JobCreateCommand : Command<JobDefineSettings>
{
    public override int Execute(CommandContext context, JobDefineSettings settings, CancellationToken cancellation)
    {
        using var jobs = settings.OpenJobs();
        var (spec, folder) = settings.ReadSpec() ?? throw new ConfigException("--spec", "glint job create needs --spec <FILE>, the job's YAML spec");
        var job = settings.Apply(new JobDefinition(settings.Name, spec, ImmutableDictionary<string, string>.Empty, BaseFolder: folder));
        jobs.CreateJob(job);
        AnsiConsole.MarkupLineInterpolated($"job [bold]{job.Name}[/] created in {jobs.Metastore.Description}");
        return 0;
    }
}

/// <summary><c>glint job update &lt;name&gt; [--spec job.yaml] …</c>: changes only what is given.</summary>
public sealed class JobUpdateCommand : Command<JobDefineSettings>
{
    public override int Execute(CommandContext context, JobDefineSettings settings, CancellationToken cancellation)
    {
        using var jobs = settings.OpenJobs();
        var job = jobs.RequireJob(settings.Name, "create it with glint job create");
        if (settings.ReadSpec() is var (spec, folder)) job = job with { Spec = spec, BaseFolder = folder };
        job = settings.Apply(job);
        jobs.UpdateJob(job);
        AnsiConsole.MarkupLineInterpolated($"job [bold]{job.Name}[/] updated in {jobs.Metastore.Description}");
        return 0;
    }
}

/// <summary><c>glint job list</c></summary>
public sealed class JobListCommand : Command<JobStoreSettings>
{
    public override int Execute(CommandContext context, JobStoreSettings settings, CancellationToken cancellation)
    {
        using var jobs = settings.OpenJobs();
        var table = new Table().Border(TableBorder.Rounded).AddColumns("job", "bookmarks", "retries", "timeout", "concurrent", "last run", "state");
        foreach (var job in jobs.Jobs())
        {
            var last = jobs.Runs(job.Name).FirstOrDefault();
            table.AddRow(Markup.Escape(job.Name), job.Bookmarks.ToString().ToLowerInvariant(), job.MaxRetries.ToString(), job.TimeoutText,
                job.MaxConcurrentRuns.ToString(), last?.RunId.Value ?? "", last?.State.ToString().ToUpperInvariant() ?? "");
        }
        AnsiConsole.Write(table);
        return 0;
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
        using var jobs = settings.OpenJobs();
        var job = jobs.RequireJob(settings.Name);
        AnsiConsole.MarkupLineInterpolated($"[bold]{job.Name}[/]: bookmarks {job.Bookmarks.ToString().ToLowerInvariant()}, max retries {job.MaxRetries}, timeout {job.TimeoutText}, max concurrent runs {job.MaxConcurrentRuns}");
        AnsiConsole.MarkupLineInterpolated($"  pool: {Pool(job)}");
        foreach (var (k, v) in job.DefaultArguments.OrderBy(kv => kv.Key)) AnsiConsole.MarkupLineInterpolated($"  --arg {k}={v}");
        AnsiConsole.WriteLine(job.Spec);
        RunsCommand.Print(jobs.Runs(job.Name));
        return 0;
    }
    /// <summary>The job's own workers and worker type; what it leaves unset comes from its spec (number_of_workers, worker_type) or the defaults.</summary>
    private static string Pool(JobDefinition job) => (job.Workers, job.WorkerType) switch
    {
        (null, null) => "from the spec (number_of_workers, worker_type) or the defaults",
        ({ } n, { } t) => $"{n} × {t}",
        ({ } n, null) => $"{n} worker(s) of the spec's worker_type",
        (null, { } t) => $"{t} workers, as many as the spec's number_of_workers",
    };
}

/// <summary><c>glint job delete &lt;name&gt;</c></summary>
public sealed class JobDeleteCommand : Command<JobNameSettings>
{
    public override int Execute(CommandContext context, JobNameSettings settings, CancellationToken cancellation)
    {
        using var jobs = settings.OpenJobs();
        jobs.DeleteJob(settings.Name);
        AnsiConsole.MarkupLineInterpolated($"job {settings.Name} deleted (its runs stay on record)");
        return 0;
    }
}

/// <summary><c>glint job start &lt;name&gt; [--arg key=value]…</c>: runs the job here and now, recording the run.</summary>
public sealed class JobStartCommand : Command<JobStartCommand.Settings>
{
    public sealed class Settings : JobStoreSettings, IClusterDriverSettings
    {
        [CommandArgument(0, "<name>")]
        public string Name { get; init; } = "";

        [CommandOption("--arg <KEY=VALUE>")]
        [Description("An argument for this run (overrides the job's default); may repeat.")]
        public KeyValue[] Arguments { get; init; } = [];

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
        var pool = ClusterConnections.Connect(settings);
        using var jobs = settings.OpenJobs();
        // Ctrl+C cancels the token (Program): the run ends as STOPPED with its targets untouched.
        var runner = new JobRunner(jobs, new SessionOptions { Metastore = settings.Metastore, Pool = pool });
        var run = runner.Start(settings.Name, KeyValue.ToDictionary(settings.Arguments), cancellation,
            started: r => AnsiConsole.MarkupLineInterpolated($"job [bold]{r.Job}[/] run {r.RunId} (attempt {r.Attempt}) RUNNING"));
        RunsCommand.Print([run]);
        return run.State == RunState.Succeeded ? 0 : 1;
    }
}

/// <summary><c>glint job stop &lt;run-id&gt;</c>: asks a run in progress (in any process) to stop.</summary>
public sealed class JobStopCommand : Command<JobNameSettings>
{
    public override int Execute(CommandContext context, JobNameSettings settings, CancellationToken cancellation)
    {
        using var jobs = settings.OpenJobs();
        jobs.RequestStop(new RunId(settings.Name));
        AnsiConsole.MarkupLineInterpolated($"asked run {settings.Name} to stop; it ends as STOPPED at its next heartbeat");
        return 0;
    }
}
