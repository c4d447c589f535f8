using System.Text.RegularExpressions;

namespace Glint.Tests;

/// <summary>docs/architecture.md tells a newcomer which files a change touches, and every file it names is there.</summary>
public sealed partial class ArchitectureDocTests
{
    [Theory]
    [InlineData("Add a setting")]
    [InlineData("Add a physical operator")]
    [InlineData("Add a source format")]
    [InlineData("Add a CLI command")]
    public void Each_recipe_names_files_that_exist(string recipe)
    {
        var doc = DocsTests.Doc("architecture.md");
        var start = doc.IndexOf($"**{recipe}**", StringComparison.Ordinal);
        Assert.True(start >= 0, $"docs/architecture.md has no recipe '{recipe}'");
        var end = doc.IndexOf("\n\n**", start + 1, StringComparison.Ordinal) is var e and > 0 ? e : doc.Length;
        var paths = RepoPath().Matches(doc[start..end]).Select(m => m.Groups[1].Value).Distinct().ToList();
        Assert.True(paths.Count >= 3, $"recipe '{recipe}' names {paths.Count} files");
        var root = Path.GetDirectoryName(DocsTests.Folder())!;
        var missing = paths.Where(p => !File.Exists(Path.Combine(root, p)) && !Directory.Exists(Path.Combine(root, p))).ToList();
        Assert.True(missing.Count == 0, $"recipe '{recipe}' names what is not there: {string.Join(", ", missing)}");
    }

    [Fact]
    public void The_layer_table_lists_the_layers_the_test_enforces_in_order()
    {
        var doc = DocsTests.Doc("architecture.md");
        var listed = LayerRow().Matches(doc).Select(m => m.Groups[1].Value).ToArray();
        Assert.Equal(LayeringTests.Layers, listed);
    }

    [GeneratedRegex(@"`((?:src|tests|docs)/[^`…]+?)`")]
    private static partial Regex RepoPath();

    [GeneratedRegex(@"^\| \d+ \| `(\w+)/` \|", RegexOptions.Multiline)]
    private static partial Regex LayerRow();
}
