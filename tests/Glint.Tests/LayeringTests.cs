using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace Glint.Tests;

/// <summary>The folders of src/Glint are layers: a folder uses only the folders below it, so the engine reads bottom to top.</summary>
public sealed class LayeringTests
{
    /// <summary>Bottom to top. A folder may use itself and any folder listed before it, never one after it.</summary>
    public static readonly string[] Layers =
        ["Common", "Engine", "Storage", "Catalog", "Plan", "SqlFrontend", "Execution", "Api", "Quality", "Jobs", "Streaming", "Reports"];

    [Fact]
    public void No_folder_of_the_engine_uses_a_folder_above_it()
    {
        var edges = SourceGraph.Edges();
        var unknown = edges.Keys.SelectMany(e => new[] { e.From, e.To }).Distinct().Where(f => !Layers.Contains(f)).ToList();
        Assert.True(unknown.Count == 0, $"folders with no place in the layer order: {string.Join(", ", unknown)}");
        var upward = edges.Where(e => Array.IndexOf(Layers, e.Key.To) > Array.IndexOf(Layers, e.Key.From))
            .Select(e => $"{e.Key.From} → {e.Key.To}: {string.Join(", ", e.Value.Distinct().Order().Take(6))}")
            .Order().ToList();
        Assert.True(upward.Count == 0, $"{upward.Count} upward uses:\n{string.Join('\n', upward)}");
    }

    [Fact]
    public void The_layer_check_sees_real_uses()
    {
        // The check is only worth something if it finds the uses that exist: the engine's top uses its bottom.
        var edges = SourceGraph.Edges();
        Assert.Contains(("Execution", "Engine"), edges.Keys);
        Assert.Contains(("Jobs", "Api"), edges.Keys);
        Assert.Contains(("Plan", "Common"), edges.Keys);
    }
}

/// <summary>Which folder of src/Glint uses which, from Roslyn's binding of every name in the sources.</summary>
internal static class SourceGraph
{
    private static readonly Lazy<Dictionary<(string From, string To), List<string>>> Graph = new(Build);

    public static Dictionary<(string From, string To), List<string>> Edges() => Graph.Value;

    /// <summary>The src/Glint folder, found above the test binaries.</summary>
    public static string Root()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "src", "Glint", "Glint.csproj"))) return Path.Combine(dir.FullName, "src", "Glint");
        throw new DirectoryNotFoundException($"src/Glint not found above {AppContext.BaseDirectory}");
    }

    private static Dictionary<(string, string), List<string>> Build()
    {
        var root = Root();
        var parse = new CSharpParseOptions(LanguageVersion.Preview);
        var trees = Directory.GetFiles(root, "*.cs", SearchOption.AllDirectories)
            .Where(f => !f.Contains($"{Path.DirectorySeparatorChar}obj{Path.DirectorySeparatorChar}") &&
                        !f.Contains($"{Path.DirectorySeparatorChar}bin{Path.DirectorySeparatorChar}"))
            .Select(f => CSharpSyntaxTree.ParseText(File.ReadAllText(f), parse, path: f)).ToList();
        trees.Add(CSharpSyntaxTree.ParseText(
            "global using System; global using System.Collections.Generic; global using System.IO; global using System.Linq; " +
            "global using System.Net.Http; global using System.Threading; global using System.Threading.Tasks;", parse));
        var own = new HashSet<string>(["Glint.dll", "Glint.Cli.dll", "Glint.Cluster.dll", "Glint.Web.dll", "Glint.Samples.dll", "Glint.Tests.dll"]);
        var references = ((string)AppContext.GetData("TRUSTED_PLATFORM_ASSEMBLIES")!).Split(Path.PathSeparator)
            .Concat(Directory.GetFiles(AppContext.BaseDirectory, "*.dll"))
            .Where(p => !own.Contains(Path.GetFileName(p)))
            .GroupBy(Path.GetFileName).Select(g => MetadataReference.CreateFromFile(g.First()));
        var compilation = CSharpCompilation.Create("GlintLayers", trees, references,
            new CSharpCompilationOptions(OutputKind.DynamicallyLinkedLibrary, nullableContextOptions: NullableContextOptions.Enable));
        var edges = new Dictionary<(string, string), List<string>>();
        foreach (var tree in trees.Where(t => t.FilePath.Length > 0))
        {
            var from = Folder(Path.GetRelativePath(root, tree.FilePath));
            if (from is null) continue;
            var model = compilation.GetSemanticModel(tree);
            foreach (var node in tree.GetRoot().DescendantNodes())
            {
                if (node is not (SimpleNameSyntax or ImplicitObjectCreationExpressionSyntax)) continue;
                var info = model.GetSymbolInfo(node);
                var symbol = info.Symbol ?? info.CandidateSymbols.FirstOrDefault();
                var to = symbol is null ? null : Namespace(symbol);
                if (to is null || to == from) continue;
                if (!edges.TryGetValue((from, to), out var uses)) edges[(from, to)] = uses = [];
                uses.Add($"{Path.GetFileName(tree.FilePath)}:{symbol!.Name}");
            }
        }
        return edges;
    }

    /// <summary>The top folder of a path under src/Glint, or null for files at its root.</summary>
    private static string? Folder(string relative)
    {
        var parts = relative.Split(Path.DirectorySeparatorChar);
        return parts.Length > 1 ? parts[0] : null;
    }

    /// <summary>The top folder a symbol of Glint's engine lives in (its namespace below Glint), or null for anything else.</summary>
    private static string? Namespace(ISymbol symbol)
    {
        var type = symbol as INamedTypeSymbol ?? symbol.ContainingType;
        var ns = symbol is INamespaceSymbol n ? n : type?.ContainingNamespace;
        while (type?.ContainingType is not null) type = type.ContainingType;
        if (ns is null || (type is not null && type.ContainingAssembly?.Name != "GlintLayers")) return null;
        var name = ns.ToDisplayString();
        if (!name.StartsWith("Glint.", StringComparison.Ordinal)) return null;
        return name["Glint.".Length..].Split('.')[0];
    }
}
public sealed class LayerDump
{
    [Fact]
    public void Dump() => File.WriteAllLines("/tmp/edges.txt", SourceGraph.Edges().OrderBy(e => e.Key.From).ThenBy(e => e.Key.To)
        .Select(e => $"{e.Key.From} -> {e.Key.To} ({e.Value.Count}): {string.Join(", ", e.Value.Distinct().Order())}"));
}
