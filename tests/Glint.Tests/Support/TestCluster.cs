using System.Diagnostics;
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
    private readonly Dictionary<string, Process> executors = [];
    private readonly string home;
    private int next;

    public TestCluster(int executors, int slotsEach = 1, string prefix = "test", string? secret = null)
    {
        Options = new ClusterOptions($"{prefix}-{Guid.NewGuid():N}"[..24], Membership) { Secret = secret };
        home = Path.Combine(Path.GetTempPath(), "glint-tests", Options.Name);
        SlotsEach = slotsEach;
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
    public IReadOnlyCollection<string> Running => [.. executors.Where(e => !e.Value.HasExited).Select(e => e.Key)];

    /// <summary>Starts one more executor process; returns its name.</summary>
    public string Start()
    {
        var name = $"ex{next++}";
        var info = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true };
        info.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "Glint.Cli.dll"));
        foreach (var a in new[] { "executor", "--cluster", Options.Name, "--membership", Options.Membership, "--worker-type", "G.025X",
                     "--slots", SlotsEach.ToString(System.Globalization.CultureInfo.InvariantCulture), "--name", name, "--scratch", Path.Combine(home, name) })
            info.ArgumentList.Add(a);
        if (Options.Secret is { } secret)
        {
            info.ArgumentList.Add("--secret");
            info.ArgumentList.Add(secret);
        }
        info.Environment["GLINT_HOME"] = home;
        var process = Process.Start(info)!;
        process.OutputDataReceived += (_, _) => { };
        process.ErrorDataReceived += (_, _) => { };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        executors[name] = process;
        return name;
    }

    /// <summary>SIGKILLs an executor: no goodbye to the cluster, its running tasks die with it.</summary>
    public void Kill(string name)
    {
        executors[name].Kill(entireProcessTree: true);
        executors[name].WaitForExit(10_000);
    }

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
        foreach (var p in executors.Values)
        {
            try { if (!p.HasExited) p.Kill(entireProcessTree: true); } catch (InvalidOperationException) { }
            p.WaitForExit(10_000);
            p.Dispose();
        }
        try { Directory.Delete(home, recursive: true); } catch (IOException) { }
    }
}
