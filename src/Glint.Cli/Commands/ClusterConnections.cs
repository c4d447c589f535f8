using Glint.Cluster;
using Glint.Cluster.Driver;

namespace Glint.Cli.Commands;

/// <summary>The options of a command that can send its tasks to a cluster (--cluster, --membership, --secret, --executors).</summary>
internal interface IClusterDriverSettings
{
    string? Cluster { get; }
    string? Membership { get; }
    string? Secret { get; }
    int Executors { get; }

    /// <summary>The cluster these options name; null without --cluster.</summary>
    Glint.Cluster.ClusterOptions? ClusterOptions() => Cluster is null ? null : Glint.Cluster.ClusterOptions.From(Cluster, Membership, Secret);
}

/// <summary>The cluster connections this process opened, closed when it exits.</summary>
internal static class ClusterConnections
{
    // Held as IDisposable so that a command that never connects does not load Glint.Cluster and Orleans at exit.
    private static readonly List<IDisposable> Open = [];

    /// <summary>The executors of the cluster the options name, once at least --executors have joined; null without --cluster.</summary>
    public static ClusterPool? Connect(IClusterDriverSettings settings) =>
        settings.ClusterOptions() is { } options ? Connect(options, settings.Executors) : null;

    public static ClusterPool Connect(ClusterOptions options, int executors)
    {
        var pool = ClusterPool.Connect(options, executors, TimeSpan.FromSeconds(60));
        lock (Open) Open.Add(pool);
        return pool;
    }

    /// <summary>A pool whose executors this process starts (as glint executor processes) and stops, at most <paramref name="workers"/>.</summary>
    public static ClusterPool AutoScaled(ClusterOptions options, Glint.Execution.WorkerType type, int workers, string home)
    {
        if (type.Name == "local") type = Glint.Execution.WorkerType.G1X;
        var provider = new LocalProcessProvider(Command(), options, type, type.VCpus, home);
        var pool = ClusterPool.Connect(options, 0, TimeSpan.FromSeconds(60), new AutoScaling(workers, provider, TimeSpan.FromSeconds(5)));
        lock (Open) Open.Add(pool);
        return pool;
    }

    /// <summary>How to start this same glint: its apphost, or dotnet with its assembly.</summary>
    private static string[] Command()
    {
        var process = Environment.ProcessPath ?? "dotnet";
        return Path.GetFileNameWithoutExtension(process) == "dotnet" ? [process, typeof(ClusterConnections).Assembly.Location] : [process];
    }

    public static void CloseAll()
    {
        lock (Open)
        {
            foreach (var pool in Open) pool.Dispose();
            Open.Clear();
        }
    }
}
