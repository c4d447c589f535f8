namespace Glint.Tests.Support;

/// <summary>
/// The two ways local mode runs exchanges, and the grid each is tested on: <c>fuse</c> computes an
/// exchange inside its reader's one task, so the bucket count matters only where an exchange stays files;
/// <c>files</c> materialises every exchange as a cluster does, so it gets the full bucket grid.
/// </summary>
internal static class ExchangeModes
{
    /// <summary>(mode, splits, shuffle partitions) for one golden case.</summary>
    public static IEnumerable<(string Mode, int Splits, int Buckets)> Grid() =>
        new[] { 1, 3, 17 }.Select(s => ("fuse", s, 7))
            .Concat(from s in new[] { 1, 17 } from b in new[] { 1, 7, 64 } select ("files", s, b))
            .Append(("files", 3, 7));

    /// <summary>Checks that the plan as placed honours the mode: with exchanges as files (or on a cluster) none is fused.</summary>
    public static void AssertPlacement(Glint.Api.DataFrame frame, Glint.Plan.PhysicalPlan plan)
    {
        var options = frame.Session.Options;
        var placed = options.Place(plan);
        if (!options.Settings.FuseLocalExchanges || options.Pool is not null)
            Assert.DoesNotContain(placed.Exchanges.Values, d => d.Fused);
        // A fused pipeline is one wide task (a stage of several fused pipelines, as a cube's union, runs one each).
        Assert.All(placed.Stages.Where(s => s.Pipelines.All(Glint.Plan.Stage.IsFused)), s => Assert.Equal(s.Pipelines.Length, s.TaskCount));
    }

    /// <summary>The settings that select <paramref name="mode"/>.</summary>
    public static Dictionary<string, string> Settings(string mode, int buckets) => new()
    {
        ["local_exchange"] = mode,
        ["shuffle_partitions"] = buckets.ToString(System.Globalization.CultureInfo.InvariantCulture),
    };
}
