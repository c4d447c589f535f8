using System.ComponentModel;
using Glint.Api;
using Glint.Common;
using Glint.Execution;
using Glint.Jobs;
using Spectre.Console.Cli;

namespace Glint.Cli.Commands;

/// <summary>Options shared by the commands that take a job spec.</summary>
public class JobSettings : PoolSettings
{
    [CommandArgument(0, "<spec>")]
    [Description("Path of the YAML job spec.")]
    public string Spec { get; init; } = "";

    [CommandOption("--arg <NAME=VALUE>")]
    [Description("A value for ${NAME} in the spec (bound as a value, a SQL literal inside expressions); may repeat.")]
    public KeyValue[] Arguments { get; init; } = [];

    public (JobSpec Spec, GlintSession Session) Load(SessionOptions? defaults = null)
    {
        var spec = JobSpecLoader.Load(Spec, KeyValue.ToDictionary(Arguments));
        var options = JobPlanner.Options(spec, defaults ?? new SessionOptions(), WorkerType, Workers, Overrides());
        return (spec, new GlintSession(WithCluster(options)));
    }
}

/// <summary>The worker pool and settings options of every command that runs or plans work.</summary>
public class PoolSettings : CommandSettings, IClusterDriverSettings
{
    [CommandOption("--workers <N>")]
    [Description("Number of workers (overrides number_of_workers).")]
    public int? Workers { get; init; }

    [CommandOption("--worker-type <TYPE>")]
    [Description("local, G.025X, G.1X, G.2X, G.4X or G.8X (overrides worker_type).")]
    public string? WorkerType { get; init; }

    [CommandOption("--set <KEY=VALUE>")]
    [Description("A setting, e.g. --set max_partition_bytes=64MB; may repeat. glint settings lists them.")]
    public KeyValue[] Set { get; init; } = [];

    [CommandOption("--cluster <NAME>")]
    [Description("Run the tasks on the executors of this cluster (glint executor --cluster NAME) instead of in this process.")]
    public string? Cluster { get; init; }

    [CommandOption("--membership <REDIS>")]
    [Description("The cluster's membership store, Redis host:port (default $GLINT_CLUSTER_MEMBERSHIP).")]
    public string? Membership { get; init; }

    [CommandOption("--executors <N>")]
    [Description("With --cluster: wait (up to 60 s) until at least N executors have joined before running (default 1).")]
    public int Executors { get; init; } = 1;

    [CommandOption("--secret <FILE>")]
    [Description("With --cluster: the cluster secret (default $GLINT_CLUSTER_SECRET).")]
    public string? Secret { get; init; }

    public IEnumerable<KeyValuePair<string, string>> Overrides() => Overrides(Set);

    /// <summary>The options with the cluster's executors as the pool, when --cluster is given.</summary>
    internal SessionOptions WithCluster(SessionOptions options)
    {
        if (Cluster is null)
        {
            if (options.Settings.EnableAutoScaling)
                throw new ConfigException("enable_auto_scaling", "enable_auto_scaling starts executors of a cluster: give --cluster <name> (and --membership)");
            options.Checked();
            if (options.ExceedsMachineMemory)
                Terminal.Diagnostics.Warning($"{options.NumberOfWorkers} × {options.WorkerType} asks for more memory than this machine has " +
                    $"({Common.Bytes.Format((long)GC.GetGCMemoryInfo().TotalAvailableMemoryBytes)}); its slots share what there is and spill to disk sooner than Glue's workers would");
            return options;
        }
        var cluster = ((IClusterDriverSettings)this).ClusterOptions()!;
        if (options.Settings.EnableAutoScaling)
            return options with { Pool = ClusterConnections.AutoScaled(cluster, options.WorkerType, options.NumberOfWorkers, options.Home) };
        if (Workers is not null || WorkerType is not null)
            throw new ConfigException("--cluster", "--workers and --worker-type size the local pool; in a cluster the executors bring their own (glint executor --worker-type …), unless enable_auto_scaling starts them");
        return options with { Pool = ClusterConnections.Connect(this) };
    }

    /// <summary>--set key=value options as settings pairs.</summary>
    internal static IEnumerable<KeyValuePair<string, string>> Overrides(IEnumerable<KeyValue> set) => set.Select(s => s.Pair);

    /// <summary>Session options for work without a job spec.</summary>
    public SessionOptions Options() => WithCluster(JobPlanner.Options(new JobSpec(), new SessionOptions(), WorkerType, Workers, Overrides()));
}
