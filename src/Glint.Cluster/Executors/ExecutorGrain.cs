using Orleans.Concurrency;

namespace Glint.Cluster.Executors;

/// <summary>The grain through which the driver reaches one executor process; calls interleave so every slot can be busy.</summary>
[Reentrant]
[ExecutorPlacement]
internal sealed class ExecutorGrain(ExecutorSlots slots) : Grain, IExecutorGrain
{
    public override Task OnActivateAsync(CancellationToken cancellationToken) =>
        this.GetPrimaryKeyString() == slots.Name
            ? Task.CompletedTask
            : throw new InvalidOperationException($"executor {this.GetPrimaryKeyString()} is not this process ({slots.Name})");

    public Task<ExecutorInfo> Describe() => Task.FromResult(slots.Describe());

    public Task<string> Run(string task, string attempt) => slots.Run(task, attempt);
}
