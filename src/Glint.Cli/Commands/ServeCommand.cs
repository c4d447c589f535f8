using System.ComponentModel;
using System.Net;
using Glint.Common;
using Glint.Web.Glue;
using Microsoft.Extensions.Hosting;
using Spectre.Console.Cli;

namespace Glint.Cli.Commands;

/// <summary><c>glint serve [--port 4041]</c>: the AWS Glue API (JSON 1.1) over the metastore and job runner, until Ctrl+C.</summary>
public sealed class ServeCommand : Command<ServeCommand.Settings>
{
    public sealed class Settings : CatalogSettings
    {
        [CommandOption("--port <N>")]
        [Description("Port to serve the Glue API on (default 4041, next to the console's 4040).")]
        public int Port { get; init; } = 4041;

        [CommandOption("--bind <IP>")]
        [Description("Address to listen on (default 127.0.0.1: this machine only).")]
        public string Bind { get; init; } = "127.0.0.1";

        public override Spectre.Console.ValidationResult Validate() =>
            !IPAddress.TryParse(Bind, out _) ? Spectre.Console.ValidationResult.Error($"--bind takes an IP address, not '{Bind}'")
            : Port is < 1 or > 65535 ? Spectre.Console.ValidationResult.Error($"--port must be 1 to 65535, not {Port}")
            : Spectre.Console.ValidationResult.Success();
    }

    public override int Execute(CommandContext context, Settings settings, CancellationToken cancellation)
    {
        var bind = IPAddress.Parse(settings.Bind);
        var home = Glint.Execution.SessionOptions.DefaultHome();
        var credentials = GlueCredentials.FromEnvironment();
        // Runs and crawls of a server that died are finished or undone before clients see them.
        using (var store = Catalog.Metastores.Open(settings.Metastore, home))
            Execution.Commit.RunRecovery.Recover(home, () => store as Catalog.IRunLedger);
        var app = GlueEndpoint.Build(new GlueEndpointOptions(settings.Metastore, home, bind, settings.Port, credentials));
        try
        {
            app.Start();
        }
        catch (IOException e)
        {
            ((IDisposable)app).Dispose();
            throw new ConfigException("--port", $"cannot listen on {settings.Bind}:{settings.Port}: {e.Message}");
        }
        if (!IPAddress.IsLoopback(bind))
            Terminal.Diagnostics.Warning($"the Glue API listens on {settings.Bind}, not only this machine: anyone who can reach it can read the catalog and start jobs{(credentials is null ? $" (set {GlueCredentials.AccessKeyVariable} and {GlueCredentials.SecretVariable} to require signed requests)" : "")}");
        var host = bind.AddressFamily == System.Net.Sockets.AddressFamily.InterNetworkV6 ? $"[{bind}]" : bind.ToString();
        Console.Out.WriteLine($"Glint's Glue API at http://{host}:{settings.Port}/ (boto3: endpoint_url=\"http://{host}:{settings.Port}\")");
        Console.Out.WriteLine(credentials is null ? "accepting any credentials" : $"accepting requests signed with access key {credentials.AccessKeyId} only");
        Console.Out.Flush();
        app.WaitForShutdownAsync(cancellation).GetAwaiter().GetResult();
        return 0;
    }
}
