using System.Text.RegularExpressions;
using Glint.Common;
using Glint.Jobs;
using Glint.Storage;

namespace Glint.Tests;

/// <summary>The docs name exactly the YAML keys, read options and settings the code knows, with the defaults the code has.</summary>
public sealed partial class DocsTests
{
    /// <summary>The repository's docs/ folder, found above the test binaries.</summary>
    internal static string Folder()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "docs", "settings.md"))) return Path.Combine(dir.FullName, "docs");
        throw new DirectoryNotFoundException($"docs/ not found above {AppContext.BaseDirectory}");
    }

    internal static string Doc(string name) => File.ReadAllText(Path.Combine(Folder(), name));

    /// <summary>The first column of every table whose header's first cell is <paramref name="header"/>: its backticked names.</summary>
    private static List<(string Name, string[] Cells)> Rows(string doc, string header)
    {
        var rows = new List<(string, string[])>();
        var inTable = false;
        foreach (var line in doc.Split('\n'))
        {
            if (!line.StartsWith('|')) { inTable = false; continue; }
            var cells = line.Trim().Trim('|').Split(" | ").Select(c => c.Trim()).ToArray();
            if (cells[0] == header) { inTable = true; continue; }
            if (!inTable || cells[0].StartsWith("---", StringComparison.Ordinal)) continue;
            foreach (Match m in Ticked().Matches(cells[0])) rows.Add((m.Groups[1].Value, cells));
        }
        return rows;
    }

    [GeneratedRegex(@"`([a-z_][a-z0-9_]*)`")]
    private static partial Regex Ticked();

    /// <summary>The table of <paramref name="doc"/> that starts with <paramref name="expected"/>'s header line is exactly <paramref name="expected"/>.</summary>
    private static void AssertTable(string doc, string expected)
    {
        var text = Doc(doc).Replace("\r\n", "\n");
        var header = expected[..expected.IndexOf('\n')];
        var at = text.IndexOf(header + "\n", StringComparison.Ordinal);
        Assert.True(at >= 0, $"docs/{doc} has no table headed {header}");
        var lines = text[at..].Split('\n').TakeWhile(l => l.StartsWith('|'));
        var actual = string.Join("\n", lines) + "\n";
        if (actual == expected.Replace("\r\n", "\n")) return;
        var file = Path.Combine(AppContext.BaseDirectory, doc + ".table.expected");
        File.WriteAllText(file, expected);
        Assert.Fail($"the table in docs/{doc} is not the one the declared options give; the declared table is in {file}");
    }

    [Fact]
    public void The_settings_table_is_generated_from_the_declared_settings() =>
        AssertTable("settings.md", GlintSettings.Declared.MarkdownTable());

    [Fact]
    public void The_read_options_table_is_generated_from_the_declared_read_options() =>
        AssertTable("job-spec.md", ReadOptions.Declared.MarkdownTable());

    [Fact]
    public void The_database_options_table_is_generated_from_the_declared_database_options() =>
        AssertTable("databases.md", Glint.Storage.Databases.DatabaseReadOptions.Declared.MarkdownTable());

    [Fact]
    public void The_documented_defaults_are_the_code_defaults()
    {
        var defaults = new GlintSettings();
        var checkedSome = 0;
        foreach (var (name, cells) in Rows(Doc("settings.md"), "setting"))
        {
            var text = cells[1].Trim('`');
            if (text.Contains(' ') || text.Contains('(') || text.Contains('$') || text.Length == 0 || !cells[1].StartsWith('`')) continue; // "(none)", "0 (= 2 × slots)", environment defaults
            GlintSettings applied;
            try { applied = defaults.With(name, text); }
            catch (Glint.Common.ConfigException) { continue; }
            Assert.True(applied == defaults, $"docs/settings.md gives `{name}` the default {text}, the code has another");
            checkedSome++;
        }
        Assert.True(checkedSome >= 15, $"only {checkedSome} defaults could be checked");
    }

    [Fact]
    public void Every_yaml_key_is_documented_and_every_documented_key_exists()
    {
        var doc = Doc("job-spec.md");
        var keys = SpecShape.Keys();
        var all = keys.Values.SelectMany(k => k).ToHashSet();
        foreach (var (kind, names) in keys)
            foreach (var key in names)
                Assert.True(doc.Contains($"`{key}`", StringComparison.Ordinal) || doc.Contains($"{key}:", StringComparison.Ordinal),
                    $"the {kind} key '{key}' is not in docs/job-spec.md");
        foreach (var header in new[] { "key", "operation" })
            foreach (var (name, _) in Rows(doc, header))
                Assert.True(all.Contains(name), $"docs/job-spec.md documents the key '{name}', which the code does not know");
    }
}
