using Glint.Cluster;
using Glint.Cluster.Driver;

namespace Glint.Cli.Commands;

/// <summary>The cluster connections this process opened, closed when it exits.</summary>
internal static class ClusterConnections
{
    private static readonly List<ClusterPool> Open = [];

    public static ClusterPool Connect(ClusterOptions options, int executors)
    {
        var pool = ClusterPool.Connect(options, executors, TimeSpan.FromSeconds(60));
        lock (Open) Open.Add(pool);
        return pool;
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
