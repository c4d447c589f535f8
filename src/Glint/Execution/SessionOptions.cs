using Glint.Common;
using Glint.Execution.Commit;

namespace Glint.Execution;

/// <summary>How a session runs: the worker pool, settings and the Glint home folder.</summary>
public sealed record SessionOptions
{
    public WorkerType WorkerType { get; init; } = WorkerType.Local();
    public int NumberOfWorkers { get; init; } = 1;
    public GlintSettings Settings { get; init; } = new();
    /// <summary>Folder for scratch data; GLINT_HOME, else ~/.glint.</summary>
    public string Home { get; init; } = DefaultHome();
    /// <summary>The catalog's metastore: a PostgreSQL connection string or a SQLite file; GLINT_METASTORE, else &lt;Home&gt;/metastore.db.</summary>
    public string? Metastore { get; init; }
    public IRunListener? Listener { get; init; }
    /// <summary>The id of the next run (a recorded job run's); a new one per run when null.</summary>
    public RunId? RunId { get; init; }
    /// <summary>Run tasks on a cluster's executors instead of in-process slots (Glint.Cluster); null for the local pool.</summary>
    public IWorkerPool? Pool { get; init; }
    /// <summary>A recorded run's ledger: its completion is journaled with the commit and written to the metastore after it.</summary>
    public RunLedgerBinding? Ledger { get; init; }
    /// <summary>The least a run is billed for; a streaming job's micro-batches set none (the stream is billed as one run).</summary>
    internal double MinimumBilledSeconds { get; init; } = Meter.MinimumBilledSeconds;
    /// <summary>A file the run's commit publishes with its targets (a streaming batch's checkpoint); none when null.</summary>
    internal Storage.CommitCheckpoint? Checkpoint { get; init; }
    /// <summary>For tests: fails chosen task attempts after they did their work.</summary>
    public TaskFaultInjector? FaultInjector { get; init; }
    /// <summary>The clock cost caps are timed by; tests pass a faster one so a minute-long cap passes in milliseconds.</summary>
    public TimeProvider Time { get; init; } = TimeProvider.System;

    /// <summary>The plan with its exchanges placed: fused into their readers' wide tasks in local mode with <c>local_exchange: fuse</c>, else files.</summary>
    internal Plan.PhysicalPlan Place(Plan.PhysicalPlan plan) => Plan.ExchangePlacement.Place(plan, Pool is not null, Settings, Slots);

    public int Slots => Pool is { } pool ? Math.Max(1, pool.SlotCount) : WorkerType.VCpus * NumberOfWorkers;

    /// <summary>Most slots a local pool may have: each is a DuckDB instance of this process, and planning aims at a few splits per slot.</summary>
    public const int MaxLocalSlots = 256;

    /// <summary>These options, or the reason no run could use them: a local pool larger than one process can hold.</summary>
    public SessionOptions Checked()
    {
        CheckWorkers(NumberOfWorkers);
        if (Pool is null && (long)NumberOfWorkers * WorkerType.VCpus > MaxLocalSlots)
            throw new ConfigException("number_of_workers",
                $"{NumberOfWorkers} × {WorkerType.Name} is {(long)NumberOfWorkers * WorkerType.VCpus} slots, more than a local pool runs (at most {MaxLocalSlots} slots, one DuckDB each, in this process); " +
                "use fewer workers, or run on a cluster's executors with --cluster");
        return this;
    }

    /// <summary>Refuses a worker count no pool can have, in the words a spec, an option and a stored job all get.</summary>
    public static void CheckWorkers(int workers)
    {
        if (workers < 1) throw new ConfigException("number_of_workers", $"number_of_workers must be at least 1, not {workers}");
    }

    /// <summary>Whether the pool asks for more memory than this machine has (its slots then spill to disk sooner than a real worker's would).</summary>
    public bool ExceedsMachineMemory => Pool is null && (double)WorkerType.MemoryBytes * NumberOfWorkers > GC.GetGCMemoryInfo().TotalAvailableMemoryBytes;

    /// <summary>The pool that runs the tasks, as headers print it: a cluster's executors as they are now, else the local workers.</summary>
    public string PoolText() => Pool is { } pool
        ? $"{pool.Size.Workers} × {pool.Size.Type} = {pool.SlotCount} slots (cluster executors now{(Settings.EnableAutoScaling ? $", auto scaling up to {NumberOfWorkers} workers" : "")})"
        : $"{NumberOfWorkers} × {WorkerType} = {Slots} slots";

    public static string DefaultHome() =>
        Environment.GetEnvironmentVariable("GLINT_HOME") is { Length: > 0 } home
            ? Path.GetFullPath(home)
            : Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".glint");
}
