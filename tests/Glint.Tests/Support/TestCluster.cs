using Glint.Cluster;
using Glint.Cluster.Driver;

namespace Glint.Tests.Support;

/// <summary>
/// A cluster of real <c>glint executor</c> processes on this machine, its membership in the Redis that
/// ./test.sh starts (GLINT_TEST_REDIS), and a driver connected to it. Each instance is a cluster of its
/// own name, so tests that kill executors do not disturb others.
/// </summary>
public sealed class TestCluster : IDisposable
{
    private readonly LocalProcessProvider executors;
    private readonly string home;

    public TestCluster(int executors, int slotsEach = 1, string prefix = "test", string? secret = null)
    {
        Options = new ClusterOptions($"{prefix}-{Guid.NewGuid():N}"[..24], Membership) { Secret = secret };
        home = Path.Combine(Path.GetTempPath(), "glint-tests", Options.Name);
        SlotsEach = slotsEach;
        this.executors = new LocalProcessProvider(["dotnet", Path.Combine(AppContext.BaseDirectory, "Glint.Cli.dll")], Options,
            Execution.WorkerType.G025X, slotsEach, home, namePrefix: "ex");
        for (var i = 0; i < executors; i++) Start();
        Pool = ClusterPool.Connect(Options, executors, TimeSpan.FromSeconds(60));
    }

    public static string Membership =>
        Environment.GetEnvironmentVariable("GLINT_TEST_REDIS")
        ?? throw new InvalidOperationException("GLINT_TEST_REDIS is not set: run the tests with ./test.sh, which starts redis-server (scripts/redis.sh)");

    public ClusterOptions Options { get; }
    public ClusterPool Pool { get; }
    public int SlotsEach { get; }

    /// <summary>The executors started and not killed, by name.</summary>
    public IReadOnlyCollection<string> Running => executors.Running;

    /// <summary>Starts one more executor process; returns its name.</summary>
    public string Start() => executors.Start();

    /// <summary>SIGKILLs an executor: no goodbye to the cluster, its running tasks die with it.</summary>
    public void Kill(string name) => executors.Kill(name);

    /// <summary>Waits until the driver sees exactly these many executors.</summary>
    public void WaitForExecutors(int count, TimeSpan? timeout = null)
    {
        var until = DateTime.UtcNow + (timeout ?? TimeSpan.FromSeconds(60));
        while (Pool.ExecutorCount != count && DateTime.UtcNow < until) Thread.Sleep(100);
        Assert.Equal(count, Pool.ExecutorCount);
    }

    public void Dispose()
    {
        Pool.Dispose();
        executors.Dispose();
        try { Directory.Delete(home, recursive: true); } catch (IOException) { }
    }
}
