using System.Collections.Concurrent;
using Glint.Common;
using Glint.Execution;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace Glint.Cluster.Driver;

/// <summary>
/// The driver's view of a cluster: an Orleans client that follows membership (every half second) and
/// offers each active executor's slots to the runs attached to it. An executor that leaves has its
/// slots marked dead and its running attempts abandoned as lost, so the scheduler re-runs them elsewhere.
/// </summary>
public sealed class ClusterPool : IWorkerPool, IDisposable
{
    private readonly IHost host;
    private readonly IClusterClient client;
    private readonly ConcurrentDictionary<string, Executor> executors = new();
    private readonly List<Attachment> attached = [];
    private readonly List<(string Name, DateTime Since, DateTime Until, double Dpus)> departed = [];
    private readonly AutoScaling? scaling;
    private readonly ConcurrentDictionary<string, DateTime> starting = new();
    private readonly Lock gate = new();
    private readonly CancellationTokenSource stop = new();
    private readonly Task watcher;

    /// <summary>One executor the driver knows: its slots, and a token cancelled when it leaves.</summary>
    internal sealed class Executor(string name, ExecutorInfo info)
    {
        public string Name { get; } = name;
        public ExecutorInfo Info { get; set; } = info;
        /// <summary>Since when it counts for the meter: when the scaler asked for it, else when the driver first saw it.</summary>
        public DateTime Since { get; init; } = DateTime.UtcNow;
        public double Dpus => WorkerType.Parse(Info.WorkerType).Dpus;
        /// <summary>Attempts this driver has running on it now.</summary>
        public int InFlight;
        public DateTime IdleSince { get; set; } = DateTime.UtcNow;
        public CancellationTokenSource Lost { get; } = new();
        public List<RemoteSlot> Slots { get; } = [];
        /// <summary>Heartbeats in a row this executor did not answer.</summary>
        public int Missed { get; set; }
    }

    /// <summary>How long the driver waits for an executor's heartbeat, and how many it may miss before it counts as lost.</summary>
    private static readonly TimeSpan HeartbeatTimeout = TimeSpan.FromSeconds(1.5);
    private const int MissedHeartbeats = 2;

    private ClusterPool(IHost host, ClusterOptions options, AutoScaling? scaling)
    {
        this.host = host;
        this.scaling = scaling;
        client = host.Services.GetRequiredService<IClusterClient>();
        Options = options;
        Runner = new RemoteTaskRunner(this);
        watcher = Task.Run(Watch);
    }

    public ClusterOptions Options { get; }
    public ITaskRunner Runner { get; }

    /// <summary>Connects to the cluster; waits up to <paramref name="wait"/> for at least <paramref name="executors"/> executors.</summary>
    public static ClusterPool Connect(ClusterOptions options, int executors = 1, TimeSpan? wait = null, AutoScaling? scaling = null)
    {
        // An auto-scaled pool keeps one executor (as Glue keeps one worker): it is started first, and the client joins through it.
        var first = scaling?.Provider.Start();
        var patience = wait ?? TimeSpan.FromSeconds(30);
        var connectUntil = DateTime.UtcNow + patience;
        var host = Host.CreateDefaultBuilder()
            .ConfigureLogging(l => ClusterHosting.Quiet(l, Microsoft.Extensions.Logging.LogLevel.Error))
            .UseOrleansClient(c =>
            {
                c.UseRedisClustering(options.Membership);
                ClusterHosting.Tls(c, options);
                ClusterHosting.Common(c.Services, options);
                c.Configure<Orleans.Configuration.GatewayOptions>(g => g.GatewayListRefreshPeriod = TimeSpan.FromSeconds(1));
                // Until a first executor (gateway) is up, retry for as long as the caller waits, not Orleans' default of minutes.
                c.UseConnectionRetryFilter(async (_, token) =>
                {
                    if (DateTime.UtcNow > connectUntil) return false;
                    await Task.Delay(250, token).ConfigureAwait(false);
                    return true;
                });
            })
            .Build();
        try
        {
            host.StartAsync().GetAwaiter().GetResult();
        }
        catch (Exception e)
        {
            host.Dispose();
            scaling?.Provider.Dispose();
            throw new ConfigException("--cluster", $"cannot join cluster '{options.Name}' through {options.Membership}: {SlotScheduler.Describe(e)} (is an executor running? glint executor --cluster {options.Name} …)");
        }
        var pool = new ClusterPool(host, options, scaling);
        if (first is not null)
        {
            pool.starting[first] = DateTime.UtcNow;
            executors = 1;
        }
        var deadline = DateTime.UtcNow + patience;
        while (pool.ExecutorCount < executors && DateTime.UtcNow < deadline) Thread.Sleep(100);
        if (pool.ExecutorCount < executors)
        {
            var found = pool.ExecutorCount;
            pool.Dispose();
            throw new ConfigException("--cluster", $"cluster '{options.Name}' has {found} executor(s); waited {(wait ?? TimeSpan.FromSeconds(30)).TotalSeconds:0} s for {executors}");
        }
        return pool;
    }

    public int ExecutorCount => executors.Count;

    /// <summary>The executors now, with what they offer.</summary>
    public IReadOnlyList<ExecutorInfo> Executors => [.. executors.Values.Select(e => e.Info).OrderBy(i => i.Name, StringComparer.Ordinal)];

    public (WorkerType Type, int Workers) Size
    {
        get
        {
            var infos = Executors;
            if (infos.Count == 0) return (WorkerType.G1X, 0);
            var type = WorkerType.Parse(infos[0].WorkerType);
            // Billed as the workers they are; a --slots override changes the slots, not the DPUs.
            return (type, infos.Count);
        }
    }

    public int SlotCount => executors.Values.Sum(e => e.Info.Slots);

    public IPoolAttachment Attach(IScheduledRun run)
    {
        var attachment = new Attachment(this, run);
        lock (gate)
        {
            attached.Add(attachment);
            foreach (var slot in executors.Values.SelectMany(e => e.Slots).Where(s => s.IsAlive)) run.AddSlot(slot);
        }
        return attachment;
    }

    /// <summary>One run served by the pool, from when it attached until it was disposed.</summary>
    private sealed class Attachment(ClusterPool pool, IScheduledRun run) : IPoolAttachment
    {
        public IScheduledRun Run { get; } = run;
        public DateTime From { get; } = DateTime.UtcNow;
        public DateTime? To { get; private set; }

        /// <summary>With auto scaling: every executor's seconds within the run (from its start request) × its DPUs.</summary>
        public double? MeteredDpuSeconds => pool.scaling is null ? null : pool.Metered(From, To ?? DateTime.UtcNow);

        public void Dispose()
        {
            To ??= DateTime.UtcNow;
            lock (pool.gate) pool.attached.Remove(this);
        }
    }

    private double Metered(DateTime from, DateTime to)
    {
        static double Overlap(DateTime since, DateTime until, DateTime from, DateTime to) =>
            Math.Max(0, ((until < to ? until : to) - (since > from ? since : from)).TotalSeconds);
        lock (gate)
            return departed.Sum(d => Overlap(d.Since, d.Until, from, to) * d.Dpus)
                   + executors.Values.Sum(e => Overlap(e.Since, DateTime.UtcNow, from, to) * e.Dpus);
    }

    private async Task Watch()
    {
        var management = client.GetGrain<IManagementGrain>(0);
        while (!stop.IsCancellationRequested)
        {
            try
            {
                // Membership says who joined and who was declared dead; the driver's own heartbeat (every
                // executor's Describe, answered or not) notices a killed process sooner than the membership vote.
                var hosts = await management.GetDetailedHosts(onlyActive: true).WaitAsync(HeartbeatTimeout * 2, stop.Token).ConfigureAwait(false);
                var active = hosts.Where(h => h.Status == SiloStatus.Active).Select(h => h.SiloName).ToHashSet(StringComparer.Ordinal);
                foreach (var gone in executors.Keys.Where(k => !active.Contains(k)).ToList())
                    Lose(gone);
                await Task.WhenAll(executors.Values.Select(Heartbeat)).ConfigureAwait(false);
                foreach (var name in active.Where(n => !executors.ContainsKey(n) && !suspects.ContainsKey(n)))
                {
                    try
                    {
                        var info = await client.GetGrain<IExecutorGrain>(name).Describe().WaitAsync(HeartbeatTimeout, stop.Token).ConfigureAwait(false);
                        Join(name, info);
                    }
                    catch (Exception) when (!stop.IsCancellationRequested) { } // not answering yet: next tick
                }
                if (scaling is not null) Scale(scaling);
                // A lost executor that membership still lists is asked again only after a while.
                foreach (var (name, since) in suspects.ToList())
                    if (!active.Contains(name) || DateTime.UtcNow - since > TimeSpan.FromSeconds(30)) suspects.TryRemove(name, out _);
            }
            catch (Exception) when (!stop.IsCancellationRequested)
            {
                // A gateway that just died, or no member reachable for a moment: ask again on the next tick.
            }
            try { await Task.Delay(500, stop.Token).ConfigureAwait(false); } catch (OperationCanceledException) { }
        }
    }

    private readonly ConcurrentDictionary<string, DateTime> suspects = new();

    private async Task Heartbeat(Executor executor)
    {
        try
        {
            executor.Info = await client.GetGrain<IExecutorGrain>(executor.Name).Describe().WaitAsync(HeartbeatTimeout, stop.Token).ConfigureAwait(false);
            executor.Missed = 0;
        }
        catch (Exception) when (!stop.IsCancellationRequested)
        {
            if (++executor.Missed >= MissedHeartbeats) Lose(executor.Name);
        }
    }

    /// <summary>
    /// Auto scaling: start executors while the attached runs have more tasks (queued and running) than
    /// the slots there are and are coming, up to the maximum; stop one that has been idle for the idle
    /// timeout once the others can take what is left.
    /// </summary>
    private void Scale(AutoScaling scaling)
    {
        int demand;
        lock (gate) demand = attached.Sum(a => a.Run.Queued + a.Run.Running);
        foreach (var (name, at) in starting.ToList())
            if (executors.ContainsKey(name) || DateTime.UtcNow - at > TimeSpan.FromSeconds(60)) starting.TryRemove(name, out _);
        var count = executors.Count + starting.Count;
        var per = Math.Max(1, scaling.Provider.SlotsPerExecutor);
        var missing = Math.Min(scaling.MaxExecutors - count, (demand - count * per + per - 1) / per);
        for (var i = 0; i < missing; i++) starting[scaling.Provider.Start()] = DateTime.UtcNow;
        foreach (var e in executors.Values)
            if (Volatile.Read(ref e.InFlight) > 0) e.IdleSince = DateTime.UtcNow;
        var idle = executors.Values.Where(e => scaling.Provider.Owns(e.Name))
            .Where(e => Volatile.Read(ref e.InFlight) == 0 && DateTime.UtcNow - e.IdleSince >= scaling.IdleTimeout)
            .OrderBy(e => e.IdleSince).FirstOrDefault();
        if (idle is not null && executors.Count > 1 && demand <= (executors.Count - 1) * per)
        {
            Lose(idle.Name);
            scaling.Provider.Stop(idle.Name);
        }
    }

    private void Join(string name, ExecutorInfo info)
    {
        var executor = new Executor(name, info)
        {
            Since = starting.TryGetValue(name, out var requested) ? requested : DateTime.UtcNow,
        };
        for (var i = 0; i < info.Slots; i++) executor.Slots.Add(new RemoteSlot(executor, i, client.GetGrain<IExecutorGrain>(name)));
        lock (gate)
        {
            if (!executors.TryAdd(name, executor)) return;
            foreach (var attachment in attached)
                foreach (var slot in executor.Slots) attachment.Run.AddSlot(slot);
        }
    }

    /// <summary>Marks an executor as gone: its slots take no more tasks, and attempts running on it fail as lost.</summary>
    internal void Lose(string name)
    {
        if (!executors.TryRemove(name, out var executor)) return;
        suspects[name] = DateTime.UtcNow;
        lock (gate) departed.Add((name, executor.Since, DateTime.UtcNow, executor.Dpus));
        executor.Lost.Cancel();
    }

    public void Dispose()
    {
        stop.Cancel();
        try { watcher.Wait(TimeSpan.FromSeconds(5)); } catch (AggregateException) { }
        foreach (var name in executors.Keys.ToList()) Lose(name);
        scaling?.Provider.Dispose();
        try { host.StopAsync().Wait(TimeSpan.FromSeconds(5)); } catch (AggregateException) { }
        host.Dispose();
        stop.Dispose();
    }
}
