using System.Text.RegularExpressions;
using Glint.Tests.Support;

namespace Glint.Tests;

/// <summary>Smaller things a new user trips over at the terminal: bookmarks, catalog parameters, reports, examples.</summary>
public sealed class CliPapercutTests
{
    private static string Job(TempFolder dir)
    {
        Directory.CreateDirectory(dir["in"]);
        Reference.Execute($"COPY (SELECT range AS id FROM range(10)) TO '{dir["in/a.parquet"]}' (FORMAT PARQUET)");
        File.WriteAllText(dir["job.yaml"], $"name: j\nsources: {{ events: {{ path: {dir["in"]} }} }}\ntargets: [ {{ from: events, path: {dir["out"]}, mode: append }} ]\n");
        var create = GlintCli.Run(dir["home"], "job", "create", "j", "--spec", dir["job.yaml"], "--bookmark", "enable");
        Assert.True(create.ExitCode == 0, create.All);
        return "j";
    }

    [Fact]
    public void Bookmark_commands_name_an_unknown_source_refuse_the_wrong_kind_and_show_no_placeholder_dates()
    {
        using var dir = new TempFolder("cli-bookmarks");
        var job = Job(dir);
        var reset = GlintCli.Run(dir["home"], "bookmark", "reset", job, "--source", "evnts");
        CliErrorTests.AssertOneErrorLine(reset, "reset of an unknown source");
        Assert.Contains("source 'evnts' does not exist; job 'j' reads 'events'; did you mean \"events\"?", reset.Error);
        var key = GlintCli.Run(dir["home"], "bookmark", "set", job, "--source", "events", "--to-key", "5");
        CliErrorTests.AssertOneErrorLine(key, "--to-key on a file source");
        Assert.Contains("source 'events' reads files: set its bookmark with --to <time>", key.Error);

        Assert.Equal(0, GlintCli.Run(dir["home"], "bookmark", "set", job, "--source", "events", "--to", "2024-06-01").ExitCode);
        var show = GlintCli.Run(dir["home"], "bookmark", "show", job);
        Assert.True(show.ExitCode == 0, show.All);
        Assert.Contains("2024-06-01 00:00:00Z", show.Output);
        Assert.DoesNotContain("0001-01-01", show.Output);
    }

    [Fact]
    public void Set_parameter_with_several_pairs_makes_one_version_and_versions_show_the_parameters()
    {
        using var dir = new TempFolder("cli-parameters");
        Directory.CreateDirectory(dir["lake/sales"]);
        Reference.Execute($"COPY (SELECT range AS id FROM range(10)) TO '{dir["lake/sales/a.parquet"]}' (FORMAT PARQUET)");
        Assert.Equal(0, GlintCli.Run(dir["home"], "crawl", dir["lake"], "--database", "lake").ExitCode);
        var set = GlintCli.Run(dir["home"], "catalog", "set-parameter", "lake.sales", "owner=finance", "retention=90d");
        Assert.True(set.ExitCode == 0, set.All);
        var versions = GlintCli.Run(dir["home"], "catalog", "versions", "lake.sales").Output;
        Assert.Matches(@"│\s*2\s*│[^\n]*owner=finance[^\n]*retention=90d", versions);
        Assert.DoesNotMatch(@"│\s*3\s*│", versions);
    }

    [Fact]
    public void A_report_without_output_goes_under_the_glint_home_and_says_where()
    {
        using var dir = new TempFolder("cli-report");
        Job(dir);
        var run = GlintCli.Run(dir["home"], "job", "start", "j");
        var runId = Regex.Match(run.Output, @"run-\d{8}-\d{6}-[0-9a-f]{6}").Value;
        var report = GlintCli.Run(dir["home"], "report", runId);
        Assert.True(report.ExitCode == 0, report.All);
        var path = Path.Combine(dir["home"], "reports", $"report-{runId}.html");
        Assert.Contains(path, report.Output);
        Assert.True(File.Exists(path));
    }

    [Fact]
    public void The_examples_in_help_can_be_pasted_into_a_shell()
    {
        using var dir = new TempFolder("cli-help");
        var help = GlintCli.Run(dir["home"], "--help").Output;
        foreach (var line in help.Split('\n').Where(l => l.TrimStart().StartsWith("glint ", StringComparison.Ordinal)))
            Assert.False(Regex.IsMatch(line, @"(?<!')\bSELECT\b[^']*\bFROM\b(?![^']*')"), $"an unquoted SQL statement in: {line.Trim()}");
        Assert.Contains("glint sql 'SELECT", help);
    }

    [Fact]
    public void A_large_result_is_streamed_as_lines_in_order_with_the_count_on_standard_error()
    {
        using var dir = new TempFolder("cli-stream");
        Directory.CreateDirectory(dir["in"]);
        for (var f = 0; f < 3; f++)
            Reference.Execute($"COPY (SELECT {f} * 10000 + range AS id, 'n\t' || range AS note FROM range(10000)) TO '{dir[$"in/p{f}.parquet"]}' (FORMAT PARQUET)");
        var result = GlintCli.Run(dir["home"], "sql", "SELECT id, note FROM t ORDER BY id DESC", "--source", $"t={dir["in"]}", "--max-rows", "20000");
        Assert.True(result.ExitCode == 0, result.Error);
        var lines = result.Output.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal("id\tnote", lines[0]);
        Assert.Equal(20_001, lines.Length);
        Assert.Equal("29999\tn\\t9999", lines[1]);                 // a tab inside a value is escaped: one row, one line
        Assert.Equal(Enumerable.Range(0, 20_000).Select(i => (29_999 - i).ToString(System.Globalization.CultureInfo.InvariantCulture)),
            lines.Skip(1).Select(l => l.Split('\t')[0]));
        Assert.Contains("first 20,000 rows printed; the result has more", result.Error);
        Assert.Empty(Directory.GetDirectories(dir["home/scratch"], "sql-*"));   // the spilled rows are gone
    }

    [Fact]
    public void Sql_sources_take_format_options_and_a_tsv_reads_as_tab_separated()
    {
        using var dir = new TempFolder("cli-sql-options");
        File.WriteAllText(dir["airports.tsv"], "iata\tcity\nSFO\tSan Francisco\nLAX\tLos Angeles\n");
        File.WriteAllText(dir["semi.txt"], "iata;city\nJFK;New York\n");
        var tsv = GlintCli.Run(dir["home"], "sql", "SELECT city FROM a ORDER BY city", "--source", $"a={dir["airports.tsv"]}");
        Assert.True(tsv.ExitCode == 0, tsv.All);
        Assert.Contains("Los Angeles", tsv.Output);
        var semi = GlintCli.Run(dir["home"], "sql", "SELECT city FROM a", "--source", $"a={dir["semi.txt"]}:csv", "--option", "a.delimiter=;");
        Assert.True(semi.ExitCode == 0, semi.All);
        Assert.Contains("New York", semi.Output);
        var typo = GlintCli.Run(dir["home"], "sql", "SELECT 1", "--source", $"a={dir["semi.txt"]}:csv", "--option", "b.delimiter=;");
        CliErrorTests.AssertOneErrorLine(typo, "--option for an unknown source");
        Assert.Contains("no --source is named 'b'", typo.Error);
        var unknown = GlintCli.Run(dir["home"], "sql", "SELECT 1", "--source", $"a={dir["semi.txt"]}:csv", "--option", "a.delim=;");
        CliErrorTests.AssertOneErrorLine(unknown, "an unknown format option");
        Assert.Contains("unknown read option 'delim'", unknown.Error);
    }

    [Fact]
    public void DuckDBs_advice_reaches_users_in_Glints_option_names()
    {
        using var dir = new TempFolder("cli-sniffer");
        File.WriteAllText(dir["bad.csv"], "a,b\n1,2\n3,4,5\n6,\"7\n");
        var result = GlintCli.Run(dir["home"], "sql", "SELECT * FROM a", "--source", $"a={dir["bad.csv"]}");
        CliErrorTests.AssertOneErrorLine(result, "an unsniffable CSV");
        Assert.Contains("on_error: record", result.Error);
        Assert.DoesNotContain("ignore_errors", result.Error);
        Assert.DoesNotContain("strict_mode", result.Error);
    }

    [Fact]
    public void Rows_in_count_the_parquet_sources_when_another_is_csv()
    {
        using var dir = new TempFolder("cli-rows-in");
        Directory.CreateDirectory(dir["p"]);
        Reference.Execute($"COPY (SELECT range AS id FROM range(1234)) TO '{dir["p/a.parquet"]}' (FORMAT PARQUET)");
        File.WriteAllText(dir["c.csv"], "id\n1\n2\n");
        File.WriteAllText(dir["job.yaml"], $$"""
            name: mixed
            sources:
              p: { path: {{dir["p"]}} }
              c: { path: {{dir["c.csv"]}}, format: csv }
            transforms:
              - { name: u, union: [p, c] }
            targets:
              - { from: u, path: {{dir["out"]}} }
            """);
        var run = GlintCli.Run(dir["home"], "run", dir["job.yaml"]);
        Assert.True(run.ExitCode == 0, run.All);
        Assert.Matches(@"rows in / out\s*│\s*1,234 \+ n/a \(CSV/JSON input of 1 task\) / 1,236", run.Output);
    }

    [Fact]
    public void A_pool_larger_than_one_process_holds_is_refused_before_anything_is_planned_or_recorded()
    {
        using var dir = new TempFolder("cli-pool-cap");
        Job(dir);
        var run = GlintCli.Run(dir["home"], "run", dir["job.yaml"], "--workers", "100000");
        CliErrorTests.AssertOneErrorLine(run, "run --workers 100000");
        Assert.Contains("100000 × local is", run.Error);
        Assert.Contains("more than a local pool runs (at most 256 slots", run.Error);
        Assert.Equal(0, GlintCli.Run(dir["home"], "job", "update", "j", "--workers", "100", "--worker-type", "G.8X").ExitCode);
        var start = GlintCli.Run(dir["home"], "job", "start", "j");
        CliErrorTests.AssertOneErrorLine(start, "job start with 100 × G.8X");
        Assert.DoesNotContain("run-", GlintCli.Run(dir["home"], "runs", "--job", "j").Output);   // nothing recorded, nothing billed
    }
}
