using System.ComponentModel;
using System.Globalization;
using System.Net;
using Glint.Cluster;
using Glint.Cluster.Executors;
using Glint.Common;
using Glint.Execution;
using Microsoft.Extensions.Hosting;
using Spectre.Console;
using Spectre.Console.Cli;

namespace Glint.Cli.Commands;

/// <summary>The options naming a cluster.</summary>
public class ClusterSettings : CommandSettings
{
    [CommandOption("--cluster <NAME>")]
    [Description("The cluster's name.")]
    public string? Cluster { get; init; }

    [CommandOption("--membership <REDIS>")]
    [Description("The cluster's membership store, Redis host:port (default $GLINT_CLUSTER_MEMBERSHIP).")]
    public string? Membership { get; init; }

    [CommandOption("--secret <FILE>")]
    [Description("The cluster secret (glint cluster secret): members and drivers talk TLS and accept only peers holding it (default $GLINT_CLUSTER_SECRET).")]
    public string? Secret { get; init; }

    public ClusterOptions Options() => ClusterOptions.From(Cluster, Membership, Secret);
}

/// <summary><c>glint cluster secret --cluster &lt;name&gt; --out &lt;file&gt;</c>: a new cluster secret.</summary>
public sealed class ClusterSecretCommand : Command<ClusterSecretCommand.Settings>
{
    public sealed class Settings : CommandSettings
    {
        [CommandOption("--cluster <NAME>")]
        [Description("The cluster the secret is for (written into the certificate).")]
        public string Cluster { get; init; } = "glint";

        [CommandOption("--out <FILE>")]
        [Description("Where to write the secret (a PKCS#12 file, readable by its owner only).")]
        public string? Out { get; init; }
    }

    public override int Execute(CommandContext context, Settings settings, CancellationToken cancellation)
    {
        if (string.IsNullOrWhiteSpace(settings.Out)) throw new ConfigException("--out", "glint cluster secret needs --out <file>");
        if (File.Exists(settings.Out)) throw new ConfigException("--out", $"{settings.Out} exists; a new secret would lock out every member holding the old one");
        ClusterSecret.Create(settings.Out, settings.Cluster);
        AnsiConsole.MarkupLineInterpolated($"wrote the secret of cluster {settings.Cluster} to {settings.Out}; give it (--secret or {ClusterSecret.Variable}) to every executor and driver");
        return 0;
    }
}

/// <summary><c>glint executor --cluster &lt;name&gt; --worker-type G.1X [--slots N]</c>: an executor process, until stopped.</summary>
public sealed class ExecutorCommand : Command<ExecutorCommand.Settings>
{
    public sealed class Settings : ClusterSettings
    {
        [CommandOption("--worker-type <TYPE>")]
        [Description("G.025X, G.1X, G.2X, G.4X, G.8X or local: its vCPUs are the slots, its memory is shared among them (default G.1X).")]
        public string WorkerType { get; init; } = "G.1X";

        [CommandOption("--slots <N>")]
        [Description("Slots to offer instead of the worker type's vCPUs (memory per slot stays the worker type's).")]
        public int? Slots { get; init; }

        [CommandOption("--name <NAME>")]
        [Description("The executor's name in the cluster (default executor-<host>-<pid>).")]
        public string? Name { get; init; }

        [CommandOption("--scratch <FOLDER>")]
        [Description("Folder for the slots' spill files and downloads (default $GLINT_HOME/executors/<name>).")]
        public string? Scratch { get; init; }

        [CommandOption("--advertise <IP>")]
        [Description("The address other members reach this executor at (default 127.0.0.1: members on this machine only).")]
        public string Advertise { get; init; } = "127.0.0.1";

        [CommandOption("--port <N>")]
        [Description("Port for the other members (default: a free one); the gateway port for drivers is the next free one.")]
        public int Port { get; init; }
    }

    public override int Execute(CommandContext context, Settings settings, CancellationToken cancellation)
    {
        var cluster = settings.Options();
        var type = Glint.Execution.WorkerType.Parse(settings.WorkerType);
        var slots = settings.Slots ?? type.VCpus;
        if (slots < 1) throw new ConfigException("--slots", "--slots must be at least 1");
        var name = settings.Name ?? $"executor-{Environment.MachineName}-{Environment.ProcessId}";
        if (!name.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.'))
            throw new ConfigException("--name", $"--name may hold only letters, digits, '-', '_' and '.', not '{name}'");
        if (!IPAddress.TryParse(settings.Advertise, out var advertise))
            throw new ConfigException("--advertise", $"--advertise takes an IP address, not '{settings.Advertise}'");
        var folder = Path.GetFullPath(settings.Scratch ?? Path.Combine(SessionOptions.DefaultHome(), "executors", name));
        using var host = ExecutorHost.Build(new ExecutorOptions(cluster, name, type, slots, folder, advertise, settings.Port));
        host.Start();
        Console.Out.WriteLine($"executor {name} joined cluster {cluster.Name} ({cluster.Membership}) with {slots} slot(s) of {type}; stop with Ctrl+C");
        Console.Out.Flush();
        host.WaitForShutdownAsync(cancellation).GetAwaiter().GetResult();
        return 0;
    }
}

/// <summary><c>glint cluster status --cluster &lt;name&gt;</c>: the executors, their worker types, slots in use and health.</summary>
public sealed class ClusterStatusCommand : Command<ClusterSettings>
{
    public override int Execute(CommandContext context, ClusterSettings settings, CancellationToken cancellation)
    {
        var options = settings.Options();
        using var pool = Glint.Cluster.Driver.ClusterPool.Connect(options, executors: 0);
        // The pool learns executors on its first membership read.
        var until = DateTime.UtcNow.AddSeconds(3);
        while (pool.ExecutorCount == 0 && DateTime.UtcNow < until) Thread.Sleep(100);
        var executors = pool.Executors;
        var table = new Table().Border(TableBorder.Rounded).AddColumns("executor", "worker type", "slots", "busy", "tasks run", "memory per slot", "host", "pid", "started", "health");
        foreach (var e in executors)
            table.AddRow(Markup.Escape(e.Name), e.WorkerType, e.Slots.ToString(CultureInfo.InvariantCulture), e.Busy.ToString(CultureInfo.InvariantCulture),
                e.TasksRun.ToString(CultureInfo.InvariantCulture), Common.Bytes.Format(e.MemoryPerSlot), Markup.Escape(e.Host),
                e.ProcessId.ToString(CultureInfo.InvariantCulture), e.StartedUtc.ToString("u", CultureInfo.InvariantCulture), "active");
        AnsiConsole.Write(table);
        AnsiConsole.MarkupLineInterpolated($"cluster {options.Name}: {executors.Count} executor(s), {executors.Sum(e => e.Slots)} slot(s), {executors.Sum(e => e.Busy)} busy");
        return 0;
    }
}
