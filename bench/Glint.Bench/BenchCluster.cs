using System.Diagnostics;
using System.Globalization;
using Glint.Cluster;
using Glint.Cluster.Driver;

namespace Glint.Bench;

/// <summary>
/// Executor processes of this machine joined through a private Redis (scripts/redis.sh): the cluster
/// the cluster and tpch scenarios run on. Disposing kills the executors and stops Redis.
/// </summary>
internal sealed class BenchCluster : IDisposable
{
    private readonly string redisFolder = Path.Combine(Path.GetTempPath(), $"glint-bench-redis-{Environment.ProcessId}");
    private readonly List<Process> executors = [];
    private readonly string home;

    public BenchCluster(string home)
    {
        this.home = home;
        Membership = Script("start", redisFolder);
        Options = new ClusterOptions($"bench-{Environment.ProcessId}", Membership);
    }

    /// <summary>The Redis address executors register in.</summary>
    public string Membership { get; }

    /// <summary>The cluster's name and membership, for <see cref="ClusterPool.Connect"/>.</summary>
    public ClusterOptions Options { get; }

    /// <summary>Executor processes running now.</summary>
    public int Count => executors.Count;

    /// <summary>Starts one more executor process with <paramref name="slots"/> slots.</summary>
    public void Add(int slots)
    {
        var cli = Path.Combine(AppContext.BaseDirectory, "Glint.Cli.dll");
        var info = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var a in new[] { cli, "executor", "--cluster", Options.Name, "--membership", Membership, "--worker-type", "G.025X",
                     "--slots", slots.ToString(CultureInfo.InvariantCulture), "--name", $"ex{executors.Count}-{slots}" })
            info.ArgumentList.Add(a);
        info.Environment["GLINT_HOME"] = home;
        var process = Process.Start(info)!;
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        executors.Add(process);
    }

    /// <summary>Kills every executor and waits until membership forgets them.</summary>
    public void KillAll()
    {
        foreach (var p in executors) { p.Kill(true); p.WaitForExit(); }
        executors.Clear();
        Thread.Sleep(4000);
    }

    /// <summary>A pool of the running executors.</summary>
    public ClusterPool Connect() => ClusterPool.Connect(Options, executors.Count, TimeSpan.FromSeconds(60));

    public void Dispose()
    {
        foreach (var p in executors) { try { p.Kill(true); } catch (InvalidOperationException) { } }
        Script("stop", redisFolder);
    }

    private static string Script(string verb, string folder) => ServerScript.Run("redis.sh", verb, folder);
}
