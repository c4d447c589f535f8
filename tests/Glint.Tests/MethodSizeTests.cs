using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace Glint.Tests;

/// <summary>Methods fit on a screen and files stay small, so each one can be read whole.</summary>
public sealed class MethodSizeTests
{
    /// <summary>Most lines a method, constructor, accessor or local function may span in the checked folders.</summary>
    public const int MaxMethodLines = 60;

    /// <summary>Most lines of one source file anywhere in src/.</summary>
    public const int MaxFileLines = 400;

    /// <summary>The folders whose methods are held to <see cref="MaxMethodLines"/>: the planner, the executor and the web console.</summary>
    private static readonly string[] Checked = ["Glint/Plan", "Glint/Execution", "Glint.Web"];

    private static string Src() => Path.GetDirectoryName(SourceGraph.Root())!;

    private static IEnumerable<string> Files(string folder) =>
        Directory.GetFiles(Path.Combine(Src(), folder), "*.cs", SearchOption.AllDirectories)
            .Where(f => !f.Contains($"{Path.DirectorySeparatorChar}obj{Path.DirectorySeparatorChar}") &&
                        !f.Contains($"{Path.DirectorySeparatorChar}bin{Path.DirectorySeparatorChar}"));

    /// <summary>Every member with a body in <paramref name="file"/>, with the lines it spans.</summary>
    internal static IEnumerable<(string Name, int Lines)> Methods(string file)
    {
        var root = CSharpSyntaxTree.ParseText(File.ReadAllText(file), new CSharpParseOptions(LanguageVersion.Preview)).GetRoot();
        foreach (var node in root.DescendantNodes())
        {
            var name = node switch
            {
                MethodDeclarationSyntax m => m.Identifier.Text,
                ConstructorDeclarationSyntax c => c.Identifier.Text + " (constructor)",
                LocalFunctionStatementSyntax l => l.Identifier.Text + " (local function)",
                AccessorDeclarationSyntax a when a.Parent?.Parent is PropertyDeclarationSyntax p => $"{p.Identifier.Text}.{a.Keyword.Text}",
                _ => null,
            };
            if (name is null) continue;
            var span = node.GetLocation().GetLineSpan();
            yield return (name, span.EndLinePosition.Line - span.StartLinePosition.Line + 1);
        }
    }

    [Fact]
    public void No_method_of_the_planner_executor_or_web_console_is_over_60_lines()
    {
        var src = Src();
        var tooLong = Checked.SelectMany(Files)
            .SelectMany(f => Methods(f).Where(m => m.Lines > MaxMethodLines).Select(m => $"{Path.GetRelativePath(src, f)} {m.Name}: {m.Lines} lines"))
            .Order().ToList();
        Assert.True(tooLong.Count == 0, $"{tooLong.Count} methods over {MaxMethodLines} lines:\n{string.Join('\n', tooLong)}");
    }

    [Fact]
    public void No_source_file_is_over_400_lines()
    {
        var src = Src();
        var tooLong = Directory.GetDirectories(src).Select(Path.GetFileName).SelectMany(d => Files(d!))
            .Select(f => (File: Path.GetRelativePath(src, f), Lines: File.ReadLines(f).Count()))
            .Where(f => f.Lines > MaxFileLines).Select(f => $"{f.File}: {f.Lines} lines").Order().ToList();
        Assert.True(tooLong.Count == 0, $"{tooLong.Count} files over {MaxFileLines} lines:\n{string.Join('\n', tooLong)}");
    }

    [Fact]
    public void The_size_check_measures_real_methods()
    {
        // A check that sees nothing passes everything: this file's own longest method is measured.
        var here = Path.Combine(Path.GetDirectoryName(Src())!, "tests", "Glint.Tests", "MethodSizeTests.cs");
        var methods = Methods(here).ToDictionary(m => m.Name, m => m.Lines);
        Assert.InRange(methods[nameof(Methods)], 15, 30);
    }
}
