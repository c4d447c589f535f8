using Glint.Execution;
using Glint.Execution.Commit;

namespace Glint.Api;

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
    /// <summary>For tests: fails chosen task attempts after they did their work.</summary>
    public TaskFaultInjector? FaultInjector { get; init; }
    /// <summary>The clock cost caps are timed by; tests pass a faster one so a minute-long cap passes in milliseconds.</summary>
    public TimeProvider Time { get; init; } = TimeProvider.System;

    public int Slots => Pool is { } pool ? Math.Max(1, pool.SlotCount) : WorkerType.VCpus * NumberOfWorkers;

    public static string DefaultHome() =>
        Environment.GetEnvironmentVariable("GLINT_HOME") is { Length: > 0 } home
            ? Path.GetFullPath(home)
            : Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".glint");
}
