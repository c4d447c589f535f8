using System.ComponentModel;
using Glint.Cli.Terminal;
using Glint.Execution;
using Glint.Jobs;
using Glint.Samples;
using Spectre.Console;
using Spectre.Console.Cli;

namespace Glint.Cli.Commands;

public sealed class DemoCommand : Command<DemoCommand.Settings>
{
    public sealed class Settings : CommandSettings
    {
        [CommandOption("--rows <N>")]
        [Description("Rows of sample sales data to generate (default 2,000,000).")]
        public long Rows { get; init; } = 2_000_000;

        [CommandOption("--folder <PATH>")]
        [Description("Where the sample data, job spec and output go (default $GLINT_HOME/demo, GLINT_HOME defaults to ~/.glint).")]
        public string? Folder { get; init; }
    }

    public override int Execute(CommandContext context, Settings settings, CancellationToken cancellation)
    {
        var home = SessionOptions.DefaultHome();
        var folder = Path.GetFullPath(settings.Folder ?? Path.Combine(home, "demo"));
        var sales = Path.Combine(folder, "data", "sales");
        var marker = Path.Combine(folder, "data", $"_generated-{settings.Rows}");
        if (!File.Exists(marker))
        {
            AnsiConsole.MarkupLineInterpolated($"Generating {settings.Rows:N0} sample sales rows in {sales} …");
            if (Directory.Exists(Path.Combine(folder, "data"))) Directory.Delete(Path.Combine(folder, "data"), recursive: true);
            SalesDataGenerator.Sales(sales, settings.Rows, days: 14, filesPerDay: 6);
            SalesDataGenerator.Customers(Path.Combine(folder, "data", "customers.parquet"));
            File.WriteAllText(marker, "");
        }
        var specPath = Path.Combine(folder, "daily_sales.yaml");
        using (var resource = typeof(DemoCommand).Assembly.GetManifestResourceStream("daily_sales.yaml")!)
        using (var file = File.Create(specPath))
            resource.CopyTo(file);
        AnsiConsole.MarkupLineInterpolated($"Job spec: {specPath}");

        var spec = JobSpecLoader.Load(specPath);
        var summary = JobConsole.Run(spec, JobPlanner.Options(spec, new SessionOptions { Home = home }), cancellation);
        AnsiConsole.MarkupLine("Output:");
        foreach (var target in summary.Targets)
            AnsiConsole.MarkupLineInterpolated($"  {target.Location}  ({target.Folder?.Format}, {target.FilesWritten} files, manifest {Path.Combine(target.Location, "_SUCCESS")})");
        AnsiConsole.MarkupLineInterpolated($"Try: dotnet run --project src/Glint.Cli -- explain {specPath}");
        return 0;
    }
}
