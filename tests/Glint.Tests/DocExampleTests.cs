using System.Text.RegularExpressions;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;

namespace Glint.Tests;

/// <summary>Every C# block of the docs compiles against Glint as it is: a page never shows code a user cannot build.</summary>
public sealed partial class DocExampleTests
{
    public static TheoryData<string> Pages => [.. Directory.GetFiles(DocsTests.Folder(), "*.md")
        .Where(f => File.ReadAllText(f).Contains("```csharp", StringComparison.Ordinal)).Select(f => Path.GetFileName(f)).Order()];

    [Theory]
    [MemberData(nameof(Pages))]
    public void The_csharp_blocks_of_a_page_compile_as_one_program(string page)
    {
        var text = DocsTests.Doc(page);
        var blocks = CSharpBlock().Matches(text).Select(m => m.Groups[1].Value).ToList();
        Assert.NotEmpty(blocks);
        // The page reads as one program: its using directives first, then every block's statements in order.
        // A page of snippets says what they assume in a comment the reader does not see: <!-- doc-test: DataFrame sales = …; -->
        var context = DocTestContext().Matches(text).Select(m => m.Groups[1].Value.Trim());
        var lines = context.Concat(blocks).SelectMany(b => b.Split('\n')).ToList();
        var usings = lines.Where(l => l.StartsWith("using ", StringComparison.Ordinal) && l.TrimEnd().EndsWith(';')).Distinct();
        var body = lines.Where(l => !(l.StartsWith("using ", StringComparison.Ordinal) && l.TrimEnd().EndsWith(';')));
        var program = string.Join('\n', usings) + "\n" + string.Join('\n', body);
        var references = ((string)AppContext.GetData("TRUSTED_PLATFORM_ASSEMBLIES")!).Split(Path.PathSeparator)
            .Append(typeof(Glint.Api.GlintSession).Assembly.Location)
            .Select(p => MetadataReference.CreateFromFile(p));
        var compilation = CSharpCompilation.Create("doc_" + page.Replace('.', '_'),
            [CSharpSyntaxTree.ParseText(program, Parse, path: page), ImplicitUsings],
            references, new CSharpCompilationOptions(OutputKind.ConsoleApplication, nullableContextOptions: NullableContextOptions.Enable));
        var errors = compilation.GetDiagnostics().Where(d => d.Severity == DiagnosticSeverity.Error).Select(d => d.ToString()).ToList();
        Assert.True(errors.Count == 0, $"docs/{page} does not compile:\n{string.Join('\n', errors)}\n---\n{program}");
    }

    private static readonly CSharpParseOptions Parse = new(LanguageVersion.Preview);

    /// <summary>The usings a new console project has (ImplicitUsings), as a user's would.</summary>
    private static readonly SyntaxTree ImplicitUsings = CSharpSyntaxTree.ParseText(
        "global using System; global using System.Collections.Generic; global using System.IO; global using System.Linq; " +
        "global using System.Net.Http; global using System.Threading; global using System.Threading.Tasks;", Parse);

    [GeneratedRegex(@"<!-- doc-test:(.*?)-->", RegexOptions.Singleline)]
    private static partial Regex DocTestContext();

    [GeneratedRegex(@"```csharp\n(.*?)```", RegexOptions.Singleline)]
    private static partial Regex CSharpBlock();
}
