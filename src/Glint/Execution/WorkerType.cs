using System.Collections.Immutable;
using System.Globalization;
using Glint.Common;

namespace Glint.Execution;

/// <summary>A worker size as Glue defines it: vCPUs become task slots, memory is shared among them.</summary>
public sealed record WorkerType(string Name, int VCpus, long MemoryBytes, double Dpus)
{
    private const long GiB = 1L << 30;

    public static readonly WorkerType G025X = new("G.025X", 2, 4 * GiB, 0.25);
    public static readonly WorkerType G1X = new("G.1X", 4, 16 * GiB, 1);
    public static readonly WorkerType G2X = new("G.2X", 8, 32 * GiB, 2);
    public static readonly WorkerType G4X = new("G.4X", 16, 64 * GiB, 4);
    public static readonly WorkerType G8X = new("G.8X", 32, 128 * GiB, 8);

    public static readonly ImmutableArray<WorkerType> Glue = [G025X, G1X, G2X, G4X, G8X];

    /// <summary>The worker types Glue offers batch (Spark ETL) jobs: G.025X is for streaming jobs only.</summary>
    public static readonly ImmutableArray<WorkerType> GlueBatch = [G1X, G2X, G4X, G8X];

    /// <summary>Glue's fewest workers for a job (a driver and an executor).</summary>
    public const int GlueMinimumWorkers = 2;

    /// <summary>One worker sized to this machine: all its cores and memory, billed as vCPUs / 4 DPUs.</summary>
    public static WorkerType Local()
    {
        var memory = GC.GetGCMemoryInfo().TotalAvailableMemoryBytes;
        var cores = Environment.ProcessorCount;
        return new WorkerType("local", cores, memory, cores / 4.0);
    }

    public static WorkerType Parse(string name)
    {
        if (string.Equals(name, "local", StringComparison.OrdinalIgnoreCase)) return Local();
        return Glue.FirstOrDefault(w => string.Equals(w.Name, name, StringComparison.OrdinalIgnoreCase))
            ?? throw new ConfigException("worker_type",
                $"unknown worker type '{name}'; expected one of local, {string.Join(", ", Glue.Select(w => w.Name))}");
    }

    /// <summary>Memory each slot (one vCPU) may use.</summary>
    public long MemoryPerSlot => MemoryBytes / VCpus;

    public override string ToString() =>
        $"{Name} ({VCpus} vCPU, {(MemoryBytes / (double)GiB).ToString("0.#", CultureInfo.InvariantCulture)} GB, {Dpus.ToString(CultureInfo.InvariantCulture)} DPU)";
}
