using Orleans.Placement;
using Orleans.Runtime.Placement;

namespace Glint.Cluster.Executors;

/// <summary>An executor's grain lives on the executor process of the same name, and nowhere else.</summary>
[Serializable, GenerateSerializer, Immutable, SuppressReferenceTracking]
public sealed class ExecutorPlacementStrategy : PlacementStrategy;

[AttributeUsage(AttributeTargets.Class, AllowMultiple = false)]
public sealed class ExecutorPlacementAttribute() : PlacementAttribute(new ExecutorPlacementStrategy());

/// <summary>
/// Places the grain keyed by an executor's name on the silo of that name. When that executor has
/// left, the grain cannot be placed anywhere, so a call to a lost executor fails instead of
/// quietly running its task on another process.
/// </summary>
internal sealed class ExecutorPlacementDirector(IClusterMembershipService membership) : IPlacementDirector
{
    public Task<SiloAddress> OnAddActivation(PlacementStrategy strategy, PlacementTarget target, IPlacementContext context)
    {
        var name = target.GrainIdentity.Key.ToString();
        var compatible = context.GetCompatibleSilos(target).ToHashSet();
        var silo = membership.CurrentSnapshot.Members.Values
            .Where(m => m.Status == SiloStatus.Active && m.Name == name && compatible.Contains(m.SiloAddress))
            .Select(m => m.SiloAddress)
            .FirstOrDefault();
        return silo is null
            ? throw new OrleansException($"executor {name} is not a member of the cluster")
            : Task.FromResult(silo);
    }
}
