using Glint.Quality;
using Glint.Common;

namespace Glint.Tests.Quality;

/// <summary>DQDL parsing as specified by the golden files in Golden/dqdl: valid rulesets and their rendering, invalid ones and their one-line errors.</summary>
public sealed class DqdlParserTests
{
    private static string Folder => Path.Combine(AppContext.BaseDirectory, "Golden", "dqdl");

    public static TheoryData<string, string> ValidCases()
    {
        var data = new TheoryData<string, string>();
        var text = string.Join("\n", File.ReadAllLines(Path.Combine(Folder, "valid.dqdl.txt")).Where(l => !l.StartsWith("# Each") && !l.StartsWith("# Cases")));
        foreach (var block in text.Split("\n====\n"))
        {
            var parts = block.Split("----");
            data.Add(parts[0].Trim(), parts[1].Trim());
        }
        return data;
    }

    [Theory]
    [MemberData(nameof(ValidCases))]
    public void A_valid_ruleset_parses_and_renders_each_rule(string ruleset, string expected)
    {
        var parsed = DqRuleset.Parse(ruleset);
        var rendered = parsed.Rules.Select(r => r.ToString()).Concat(parsed.Analyzers.Select(a => "analyzer: " + a));
        Assert.Equal(expected.Split('\n', StringSplitOptions.RemoveEmptyEntries), rendered);
        // The rendering is itself DQDL that parses to the same rules (variables aside).
        if (parsed.Variables.IsEmpty && parsed.Rules.Length > 0)
        {
            var again = DqRuleset.Parse($"Rules = [ {string.Join(", ", parsed.Rules)} ]");
            Assert.Equal(parsed.Rules.Select(r => r.ToString()), again.Rules.Select(r => r.ToString()));
        }
    }

    public static TheoryData<string, string> InvalidCases()
    {
        var data = new TheoryData<string, string>();
        var lines = File.ReadAllLines(Path.Combine(Folder, "invalid.dqdl.txt")).Where(l => l.Length > 0 && !l.StartsWith('#')).ToList();
        for (var i = 0; i + 1 < lines.Count; i += 2)
            data.Add(lines[i].Replace("\\n", "\n"), lines[i + 1][3..]);
        return data;
    }

    [Theory]
    [MemberData(nameof(InvalidCases))]
    public void An_invalid_ruleset_is_refused_with_one_line_naming_the_position(string ruleset, string expected)
    {
        var e = Assert.Throws<RulesetException>(() => DqRuleset.Parse(ruleset));
        Assert.Equal(expected, e.Message);
        Assert.DoesNotContain('\n', e.Message);
    }

    [Fact]
    public void The_invalid_corpus_is_large_and_names_positions()
    {
        var cases = InvalidCases();
        Assert.True(cases.Count >= 60, $"{cases.Count} invalid cases");
        var positioned = cases.Count(c => System.Text.RegularExpressions.Regex.IsMatch((string)c[1], @"line \d+, column \d+|at its end"));
        Assert.True(positioned >= 60, $"{positioned} cases name a position");
    }
}
