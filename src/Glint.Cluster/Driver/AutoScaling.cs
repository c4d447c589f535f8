using System.Collections.Concurrent;
using System.Diagnostics;
using Glint.Execution;

namespace Glint.Cluster.Driver;

/// <summary>Glue's auto scaling: the number of workers is a maximum; executors are started as tasks wait and stopped when idle.</summary>
public sealed record AutoScaling(int MaxExecutors, IExecutorProvider Provider, TimeSpan IdleTimeout);

/// <summary>Starts and stops executor processes for the auto scaler (local processes now; the interface leaves room for others).</summary>
public interface IExecutorProvider : IDisposable
{
    int SlotsPerExecutor { get; }

    /// <summary>Asks for one more executor; returns the name it will join the cluster under.</summary>
    string Start();

    void Stop(string name);

    /// <summary>Whether this provider started the executor of that name.</summary>
    bool Owns(string name);
}

/// <summary>Starts <c>glint executor</c> processes on this machine; stops them with SIGTERM (they leave the cluster cleanly).</summary>
public sealed class LocalProcessProvider(string[] command, ClusterOptions cluster, WorkerType type, int slots, string home, string? namePrefix = null)
    : IExecutorProvider
{
    private readonly ConcurrentDictionary<string, Process> processes = new();
    private readonly string prefix = namePrefix ?? $"auto-{Environment.ProcessId}-{Guid.NewGuid().ToString("N")[..4]}";
    private int next;

    /// <summary>The executors this provider started that still run.</summary>
    public IReadOnlyCollection<string> Running => [.. processes.Where(p => !p.Value.HasExited).Select(p => p.Key)];

    /// <summary>SIGKILL: the executor leaves without a word, its running tasks die with it (chaos tests).</summary>
    public void Kill(string name)
    {
        if (!processes.TryRemove(name, out var process)) return;
        try { process.Kill(entireProcessTree: true); } catch (InvalidOperationException) { }
        process.WaitForExit(10_000);
        process.Dispose();
    }

    public int SlotsPerExecutor => slots;

    public string Start()
    {
        var name = $"{prefix}-{Interlocked.Increment(ref next)}";
        var info = new ProcessStartInfo(command[0]) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var a in command.Skip(1)) info.ArgumentList.Add(a);
        foreach (var a in new[] { "executor", "--cluster", cluster.Name, "--membership", cluster.Membership, "--worker-type", type.Name,
                     "--slots", slots.ToString(System.Globalization.CultureInfo.InvariantCulture), "--name", name,
                     "--scratch", Path.Combine(home, "executors", name) })
            info.ArgumentList.Add(a);
        if (cluster.Secret is { } secret)
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
        processes[name] = process;
        return name;
    }

    public void Stop(string name)
    {
        if (!processes.TryRemove(name, out var process)) return;
        try
        {
            using var term = Process.Start("kill", ["-TERM", process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)]);
            term.WaitForExit(2000);
            if (!process.WaitForExit(10_000)) process.Kill(entireProcessTree: true);
        }
        catch (Exception e) when (e is InvalidOperationException or System.ComponentModel.Win32Exception)
        {
            // already gone
        }
        process.Dispose();
    }

    public bool Owns(string name) => name.StartsWith(prefix + "-", StringComparison.Ordinal);

    public void Dispose()
    {
        foreach (var name in processes.Keys.ToList()) Stop(name);
    }
}
