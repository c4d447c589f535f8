using System.ComponentModel;
using System.Net;
using Glint.Common;
using Glint.Web;
using Microsoft.Extensions.Hosting;
using Spectre.Console.Cli;

namespace Glint.Cli.Commands;

/// <summary><c>glint ui [--port 4040]</c>: the local web console over the metastore, until Ctrl+C.</summary>
public sealed class UiCommand : Command<UiCommand.Settings>
{
    public sealed class Settings : CatalogSettings
    {
        [CommandOption("--port <N>")]
        [Description("Port to serve on (default 4040, as the Spark UI).")]
        public int Port { get; init; } = 4040;

        [CommandOption("--bind <IP>")]
        [Description("Address to listen on (default 127.0.0.1: this machine only).")]
        public string Bind { get; init; } = "127.0.0.1";
    }

    public override int Execute(CommandContext context, Settings settings, CancellationToken cancellation)
    {
        if (!IPAddress.TryParse(settings.Bind, out var bind)) throw new ConfigException("--bind", $"--bind takes an IP address, not '{settings.Bind}'");
        if (settings.Port is < 1 or > 65535) throw new ConfigException("--port", $"--port must be 1 to 65535, not {settings.Port}");
        // The console shows runs and tables: interrupted commits of dead runs are finished or undone first.
        using (var store = Catalog.Metastores.Open(settings.Metastore, Glint.Execution.SessionOptions.DefaultHome()))
            Execution.Commit.RunRecovery.Recover(Glint.Execution.SessionOptions.DefaultHome(), () => store as Catalog.IRunLedger);
        var token = WebConsole.NewToken();
        using (var probe = settings.Open()) { } // a bad metastore fails here, before anything listens
        var app = WebConsole.Build(new WebConsoleOptions(settings.Metastore, Glint.Execution.SessionOptions.DefaultHome(), bind, settings.Port, token));
        try
        {
            app.Start();
        }
        catch (IOException e)
        {
            throw new ConfigException("--port", $"cannot listen on {settings.Bind}:{settings.Port}: {e.Message}");
        }
        var everywhere = bind.Equals(IPAddress.Any) || bind.Equals(IPAddress.IPv6Any);
        if (everywhere)
            Terminal.Diagnostics.Warning($"the console listens on every interface ({settings.Bind}): anyone who can reach this machine can read its runs, jobs and catalog (starting and stopping runs still needs the token)");
        else if (!IPAddress.IsLoopback(bind))
            Terminal.Diagnostics.Warning($"the console listens on {settings.Bind}, not only this machine: anyone who can reach that address can read its runs, jobs and catalog");
        var host = everywhere ? System.Net.Dns.GetHostName() : bind.AddressFamily == System.Net.Sockets.AddressFamily.InterNetworkV6 ? $"[{bind}]" : bind.ToString();
        Console.Out.WriteLine($"Glint console at http://{host}:{settings.Port}/");
        Console.Out.WriteLine($"token for starting and stopping runs: {token}");
        Console.Out.Flush();
        app.WaitForShutdownAsync(cancellation).GetAwaiter().GetResult();
        return 0;
    }
}
