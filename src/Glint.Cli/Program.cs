using Glint.Cli.Commands;
using Glint.Errors;
using Spectre.Console;
using Spectre.Console.Cli;

var app = new CommandApp();
app.Configure(config =>
{
    config.SetApplicationName("glint");
    config.PropagateExceptions();
    config.AddCommand<RunCommand>("run").WithDescription("Run a YAML job spec on the local worker pool.")
        .WithExample("run", "jobs/daily_sales.yaml", "--workers", "2", "--worker-type", "G.1X", "--set", "max_partition_bytes=64MB");
    config.AddCommand<ExplainCommand>("explain").WithDescription("Show the stages, tasks, splits and task SQL of a job spec (or of --sql) without running it.")
        .WithExample("explain", "jobs/daily_sales.yaml")
        .WithExample("explain", "--sql", "SELECT day, sum(amount) FROM sales GROUP BY day", "--source", "sales=data/sales");
    config.AddCommand<SqlCommand>("sql").WithDescription("Run a SELECT over named inputs on the local worker pool; print the rows or write them with --output.")
        .WithExample("sql", "SELECT day, sum(amount) AS total FROM sales GROUP BY day ORDER BY day", "--source", "sales=data/sales");
    config.AddCommand<DemoCommand>("demo").WithDescription("Generate a sample dataset and run the sample job end to end.")
        .WithExample("demo");
});

try
{
    return app.Run(args);
}
catch (GlintException e)
{
    AnsiConsole.MarkupLineInterpolated($"[red]error[/] ({e.Category}): {e.Message}");
    return 1;
}
catch (CommandParseException e)
{
    AnsiConsole.MarkupLineInterpolated($"[red]error[/]: {e.Message}");
    return 2;
}
catch (CommandRuntimeException e)
{
    AnsiConsole.MarkupLineInterpolated($"[red]error[/]: {e.Message}");
    return 2;
}
