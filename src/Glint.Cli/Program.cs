using Glint.Cli;
using Glint.Cli.Commands;
using Glint.Cli.Terminal;
using System.Runtime.InteropServices;
using Spectre.Console;

// Piped output (files, other programs) is not wrapped at 80 columns: COLUMNS, else 200.
if (Console.IsOutputRedirected)
    AnsiConsole.Profile.Width = int.TryParse(Environment.GetEnvironmentVariable("COLUMNS"), out var columns) && columns > 40 ? columns : 200;

var telemetry = Glint.Cli.Terminal.TelemetryExport.FromEnvironment();
// The first Ctrl+C (SIGINT) or SIGTERM cancels the command: a run stops its tasks and leaves its targets as they were.
// A second one ends the process at once.
using var cancel = new CancellationTokenSource();
void Cancel(PosixSignalContext signal)
{
    if (cancel.IsCancellationRequested) return;
    signal.Cancel = true;
    Diagnostics.Warning($"cancelling ({signal.Signal}): running tasks stop and targets stay as they were; the same signal again ends glint at once");
    cancel.Cancel();
}
using var onInterrupt = PosixSignalRegistration.Create(PosixSignal.SIGINT, Cancel);
using var onTerminate = PosixSignalRegistration.Create(PosixSignal.SIGTERM, Cancel);
try
{
    return GlintApp.Create().Run(args, cancel.Token);
}
finally
{
    ClusterConnections.CloseAll();
    telemetry?.Dispose();
}
