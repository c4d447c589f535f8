using Glint.Api;

namespace Glint.Tests;

/// <summary>
/// The engine's public surface is a decision, not an accident: every public type of Glint.dll is listed in
/// PublicApi/Glint.txt (the DataFrame API and what the CLI, the web console and the cluster use); the rest is internal.
/// Making a type public, or internal, means changing the list in the same change.
/// </summary>
public sealed class PublicApiTests
{
    private static string Baseline() =>
        Path.Combine(Path.GetDirectoryName(Path.GetDirectoryName(SourceGraph.Root())!)!, "tests", "Glint.Tests", "PublicApi", "Glint.txt");

    [Fact]
    public void The_public_types_of_the_engine_are_the_ones_the_baseline_lists()
    {
        var actual = typeof(GlintSession).Assembly.GetExportedTypes()
            .Select(t => t.FullName!.Replace('+', '.')).Where(n => !n.Contains('<')).Order(StringComparer.Ordinal).ToList();
        var expected = File.ReadAllLines(Baseline()).Where(l => l.Length > 0 && !l.StartsWith('#')).ToList();
        var added = actual.Except(expected).ToList();
        var removed = expected.Except(actual).ToList();
        if (added.Count + removed.Count == 0) return;
        var file = Path.Combine(AppContext.BaseDirectory, "Glint.public.actual.txt");
        File.WriteAllLines(file, actual);
        Assert.Fail($"public types changed: {added.Count} new ({string.Join(", ", added.Take(10))}), {removed.Count} gone ({string.Join(", ", removed.Take(10))}); " +
                    $"update tests/Glint.Tests/PublicApi/Glint.txt (the full list is in {file})");
    }

    [Fact]
    public void Most_engine_types_are_internal()
    {
        // The list is only worth keeping if the surface is smaller than the engine.
        var all = typeof(GlintSession).Assembly.GetTypes().Count(t => !t.IsNested && !t.Name.Contains('<'));
        var exported = typeof(GlintSession).Assembly.GetExportedTypes().Count(t => !t.IsNested);
        Assert.True(exported < all * 0.6, $"{exported} of {all} top-level types are public");
    }
}
