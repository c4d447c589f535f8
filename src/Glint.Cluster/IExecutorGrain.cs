namespace Glint.Cluster;

/// <summary>An executor as the driver sees it: its slots and memory, and a way to run one task attempt on one of them.</summary>
public interface IExecutorGrain : IGrainWithStringKey
{
    Task<ExecutorInfo> Describe();

    /// <summary>Runs a task attempt (a <see cref="Execution.Remote.TaskMessages"/> task) on a free slot; the reply says how it went.</summary>
    [ResponseTimeout("7.00:00:00")] // a task runs as long as it needs; a lost executor is noticed through membership
    Task<string> Run(string task, string attempt);
}

/// <summary>What an executor offers: worker type, slots and memory per slot, and how many slots are busy now.</summary>
[GenerateSerializer, Immutable]
public sealed record ExecutorInfo(
    [property: Id(0)] string Name,
    [property: Id(1)] string WorkerType,
    [property: Id(2)] int Slots,
    [property: Id(3)] long MemoryPerSlot,
    [property: Id(4)] int Busy,
    [property: Id(5)] long TasksRun,
    [property: Id(6)] DateTime StartedUtc,
    [property: Id(7)] int ProcessId,
    [property: Id(8)] string Host);
