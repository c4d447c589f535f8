using Glint.Cli.Commands;
using Glint.Cli.Terminal;
using Glint.Common;
using Spectre.Console.Cli;

namespace Glint.Cli;

/// <summary>The glint command line: every command, and the one place an exception becomes an error line and an exit code.</summary>
public static class GlintApp
{
    /// <summary>Exit code of a failure Glint did not classify (a bug), as sysexits' EX_SOFTWARE.</summary>
    public const int InternalError = 70;

    /// <summary>The configured application; <see cref="CommandApp.Run(IEnumerable{string}, CancellationToken)"/> runs one command line.</summary>
    public static CommandApp Create()
    {
        var app = new CommandApp();
        app.Configure(config =>
        {
            config.SetExceptionHandler((e, _) => Fail(e));
            Commands(config);
        });
        return app;
    }

    /// <summary>One line on standard error and the exit code for a failed command: 1 for what the user can fix, 70 for a bug.</summary>
    public static int Fail(Exception e)
    {
        switch (e)
        {
            case GlintException g:
                Diagnostics.Error(g.Category, g.Message);
                return 1;
            case CommandParseException or CommandRuntimeException:
                // A type converter's own refusal (it names the values expected) is clearer than Spectre's wrapper around it.
                for (var inner = e.InnerException; inner is not null; inner = inner.InnerException)
                    if (inner is GlintException g) { Diagnostics.Error(null, g.Message); return 1; }
                Diagnostics.Error(null, Diagnostics.UserTypes(e.Message));
                return 1;
            case var _ when Environment.GetEnvironmentVariable("GLINT_DEBUG") is null or "" or "0":
                // A failure Glint did not classify is still one line; GLINT_DEBUG=1 lets the runtime print the stack for a bug report.
                Diagnostics.Error("internal error", $"{e.GetType().Name}: {e.Message} (a bug in glint: GLINT_DEBUG=1 prints where)");
                return InternalError;
            default:
                System.Runtime.ExceptionServices.ExceptionDispatchInfo.Capture(e).Throw();
                return InternalError;
        }
    }

    private static void Commands(IConfigurator config)
    {
        config.SetApplicationName("glint");
        config.AddCommand<RunCommand>("run").WithDescription("Run a YAML job spec on the local worker pool, or on a cluster's executors with --cluster.")
            .WithExample("run", "jobs/daily_sales.yaml", "--workers", "2", "--worker-type", "G.1X", "--set", "max_partition_bytes=64MB");
        config.AddCommand<ExplainCommand>("explain").WithDescription("Show the stages, tasks, splits and task SQL of a job spec (or of --sql) without running it.")
            .WithExample("explain", "jobs/daily_sales.yaml")
            .WithExample("explain", "--sql", "'SELECT day, sum(amount) FROM sales GROUP BY day'", "--source", "sales=data/sales");
        config.AddCommand<SqlCommand>("sql").WithDescription("Run a SELECT over named inputs on the local worker pool; print the rows or write them with --output.")
            .WithExample("sql", "'SELECT day, sum(amount) AS total FROM sales GROUP BY day ORDER BY day'", "--source", "sales=data/sales");
        config.AddCommand<CrawlCommand>("crawl").WithDescription("Discover tables, schemas and partitions under a folder into the catalog.")
            .WithExample("crawl", "data/lake", "--database", "lake");
        config.AddBranch("catalog", catalog =>
        {
            catalog.SetDescription("Look at and change the data catalog.");
            catalog.AddCommand<CatalogDatabasesCommand>("databases").WithDescription("List databases.");
            catalog.AddCommand<CatalogTablesCommand>("tables").WithDescription("List the tables of a database.").WithExample("catalog", "tables", "lake");
            catalog.AddCommand<CatalogShowCommand>("show").WithDescription("Columns, partition keys and parameters of a table.").WithExample("catalog", "show", "lake.sales");
            catalog.AddCommand<CatalogPartitionsCommand>("partitions").WithDescription("Partitions of a table.");
            catalog.AddCommand<CatalogVersionsCommand>("versions").WithDescription("Schema versions of a table.");
            catalog.AddCommand<CatalogDropCommand>("drop").WithDescription("Remove a table from the catalog (its files stay).");
            catalog.AddCommand<CatalogSetParameterCommand>("set-parameter").WithDescription("Set table parameters: all of them in one optimistic update, one new table version.")
                .WithExample("catalog", "set-parameter", "lake.sales", "owner=finance");
        });
        config.AddBranch("job", job =>
        {
            job.SetDescription("Stored jobs: define them, start runs, stop runs.");
            job.AddCommand<JobCreateCommand>("create").WithDescription("Store a job from a spec file.")
                .WithExample("job", "create", "daily", "--spec", "jobs/daily.yaml", "--bookmark", "enable", "--arg", "day=2024-06-01");
            job.AddCommand<JobUpdateCommand>("update").WithDescription("Replace a stored job's spec and settings.");
            job.AddCommand<JobListCommand>("list").WithDescription("List jobs with their last run.");
            job.AddCommand<JobShowCommand>("show").WithDescription("A job's settings, spec and runs.");
            job.AddCommand<JobDeleteCommand>("delete").WithDescription("Delete a job and its bookmarks (runs stay on record).");
            job.AddCommand<JobStartCommand>("start").WithDescription("Run a job now, recording the run.").WithExample("job", "start", "daily", "--arg", "day=2024-06-02");
            job.AddCommand<JobStopCommand>("stop").WithDescription("Ask a run in progress to stop.").WithExample("job", "stop", "run-20261125-101500-1a2b3c");
        });
        config.AddBranch<RunsCommand.Settings>("runs", runs =>
        {
            runs.SetDescription("Recorded runs: all, or of --job, newest first; runs show <run-id> for one run's task attempts.");
            runs.SetDefaultCommand<RunsCommand>();
            runs.AddCommand<RunShowCommand>("show").WithDescription("A run and every one of its task attempts; --plan for the plan as executed.")
                .WithExample("runs", "show", "run-20261125-101500-1a2b3c", "--plan");
        });
        config.AddCommand<UiCommand>("ui").WithDescription("Serve the web console (jobs, runs, live runs, reports, catalog, bookmarks) on 127.0.0.1.")
            .WithExample("ui", "--port", "4040");
        config.AddCommand<ServeCommand>("serve").WithDescription("Serve the AWS Glue API (JSON 1.1) on 127.0.0.1:4041: boto3, the AWS CLI and Terraform drive the catalog, crawlers, jobs, runs and bookmarks.")
            .WithExample("serve", "--port", "4041");
        config.AddCommand<ReportCommand>("report").WithDescription("Write a recorded run as one self-contained HTML page: summary, stage graph, task timeline, durations, slot use.")
            .WithExample("report", "run-20261125-101500-1a2b3c", "-o", "report.html");
        config.AddCommand<AdviseCommand>("advise").WithDescription("Replay a run on other worker types and counts: predicted wall time, DPU-seconds and cost; the cheapest within --deadline.")
            .WithExample("advise", "run-20261125-101500-1a2b3c", "--deadline", "10m");
        config.AddBranch("dq", dq =>
        {
            dq.SetDescription("Data quality: evaluate DQDL rulesets, and recommend one.");
            dq.AddCommand<DqCheckCommand>("check").WithDescription("Evaluate a DQDL ruleset on a catalog table or files; exits 1 when a rule does not pass.")
                .WithExample("dq", "check", "data/orders", "--ruleset", "orders.dqdl", "--source", "customers=data/customers");
            dq.AddCommand<DqRecommendCommand>("recommend").WithDescription("Print a starter DQDL ruleset from the data's statistics.")
                .WithExample("dq", "recommend", "lake.orders");
        });
        config.AddBranch("stream", stream =>
        {
            stream.SetDescription("Streaming jobs: micro-batches from a NATS JetStream stream, committed with their checkpoint.");
            stream.AddCommand<StreamStartCommand>("start").WithDescription("Run a streaming job's micro-batches until stopped (or drained with --once / --available-now).")
                .WithExample("stream", "start", "orders-stream.yaml");
            stream.AddCommand<StreamStopCommand>("stop").WithDescription("Ask a running streaming job to stop after its current batch.")
                .WithExample("stream", "stop", "orders-stream.yaml");
            stream.AddCommand<StreamStatusCommand>("status").WithDescription("Show committed sequences, lag, the last batch, dead letters and freshness.")
                .WithExample("stream", "status", "orders-stream.yaml");
            stream.AddCommand<StreamResetCommand>("reset").WithDescription("Set where a stopped streaming job resumes: after a sequence, or at a time.")
                .WithExample("stream", "reset", "orders-stream.yaml", "--to-sequence", "0");
        });
        config.AddBranch("bookmark", bookmark =>
        {
            bookmark.SetDescription("Job bookmarks: what each source has already processed.");
            bookmark.AddCommand<BookmarkShowCommand>("show").WithDescription("Show a job's bookmarks.");
            bookmark.AddCommand<BookmarkResetCommand>("reset").WithDescription("Forget a job's bookmarks: the next run reads everything.");
            bookmark.AddCommand<BookmarkRewindCommand>("rewind").WithDescription("Put a job's bookmarks back to what a run committed.")
                .WithExample("bookmark", "rewind", "daily", "--to-run", "run-20261125-101500-1a2b3c");
            bookmark.AddCommand<BookmarkSetCommand>("set").WithDescription("Count a source's files modified before a time as processed.")
                .WithExample("bookmark", "set", "daily", "--source", "sales", "--to", "2024-06-01");
        });
        config.AddCommand<ExecutorCommand>("executor").WithDescription("Start an executor: a member of a cluster offering its slots to drivers (glint run --cluster).")
            .WithExample("executor", "--cluster", "etl", "--membership", "127.0.0.1:6379", "--worker-type", "G.1X");
        config.AddBranch("cluster", cluster =>
        {
            cluster.SetDescription("A cluster of executors.");
            cluster.AddCommand<ClusterStatusCommand>("status").WithDescription("List the executors: worker types, slots, slots in use, health.")
                .WithExample("cluster", "status", "--cluster", "etl", "--membership", "127.0.0.1:6379");
            cluster.AddCommand<ClusterSecretCommand>("secret").WithDescription("Create a cluster secret: with it, members and drivers talk TLS and accept only each other.")
                .WithExample("cluster", "secret", "--cluster", "etl", "--out", "etl.secret");
        });
        config.AddCommand<SettingsCommand>("settings").WithDescription("List the settings --set and a spec's settings: accept, with their defaults and meanings.")
            .WithExample("settings", "shuffle_partitions");
        config.AddCommand<GcCommand>("gc").WithDescription("Remove what dead runs left behind (staging, scratch), finish or undo their commits, and record their runs as FAILED.")
            .WithExample("gc", "--older-than", "7d");
        config.AddCommand<DemoCommand>("demo").WithDescription("Generate a sample dataset and run the sample job end to end.")
            .WithExample("demo");
    }
}
