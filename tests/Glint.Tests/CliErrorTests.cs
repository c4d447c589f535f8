using System.Text.RegularExpressions;
using Glint.Tests.Support;

namespace Glint.Tests;

/// <summary>What a user who mistypes meets: one line on standard error starting with <c>error</c>, exit status 1, nothing on standard output, never a stack trace.</summary>
public sealed partial class CliErrorTests
{
    /// <summary>Every command of <c>glint --help</c> (branches opened), with the positional arguments its usage names.</summary>
    private static IEnumerable<(string Path, bool TakesArguments)> Commands(string home, string prefix = "")
    {
        var help = GlintCli.Run(home, [.. prefix.Split(' ', StringSplitOptions.RemoveEmptyEntries), "--help"]).Output;
        var section = help.IndexOf("COMMANDS:", StringComparison.Ordinal);
        if (section < 0) yield break;
        foreach (Match m in CommandLine().Matches(help[section..]))
        {
            var path = $"{prefix} {m.Groups[1].Value}".Trim();
            var takesArguments = m.Groups[2].Success;
            var children = takesArguments ? [] : Commands(home, path).ToList();
            if (children.Count == 0) yield return (path, takesArguments);
            foreach (var child in children) yield return child;
        }
    }

    [GeneratedRegex(@"^ {4}([a-z][a-z-]*)( <[^>]+>)?\s{2,}", RegexOptions.Multiline)]
    private static partial Regex CommandLine();

    internal static void AssertOneErrorLine(GlintCli.Result result, string because)
    {
        Assert.True(result.ExitCode == 1, $"{because}: exit {result.ExitCode}\n{result.All}");
        Assert.True(result.Output.Trim().Length == 0, $"{because}: standard output should be empty, was:\n{result.Output}");
        var lines = result.Error.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.True(lines.Length == 1, $"{because}: one line on standard error, got {lines.Length}:\n{result.Error}");
        Assert.StartsWith("error", lines[0]);
        Assert.DoesNotContain("Exception", lines[0]);
    }

    [Fact]
    public void Every_command_without_its_required_arguments_says_what_is_missing_in_one_line()
    {
        using var dir = new TempFolder("cli-missing");
        var commands = Commands(dir["home"]).Where(c => c.TakesArguments).Select(c => c.Path).ToList();
        Assert.Contains("job create", commands);
        Assert.Contains("runs show", commands);
        Assert.True(commands.Count >= 15, string.Join(", ", commands));
        foreach (var command in commands)
        {
            var result = GlintCli.Run(dir["home"], command.Split(' '));
            AssertOneErrorLine(result, $"glint {command}");
            Assert.Contains("missing", result.Error);
        }
        // Required options, not only arguments.
        AssertOneErrorLine(GlintCli.Run(dir["home"], "job", "create", "x"), "glint job create x");
        Assert.Contains("--spec", GlintCli.Run(dir["home"], "job", "create", "x").Error);
    }

    [Fact]
    public void Errors_go_to_standard_error_as_one_unwrapped_line_however_long()
    {
        using var dir = new TempFolder("cli-stderr");
        var deep = dir[string.Join('/', Enumerable.Repeat("a-folder-with-a-long-name", 12))];
        var result = GlintCli.Run(dir["home"], "run", Path.Combine(deep, "job.yaml"));
        AssertOneErrorLine(result, "a missing spec under a long path");
        Assert.Contains(deep, result.Error); // the path in full, not wrapped at 200 columns
        Assert.True(result.Error.Trim().Length > 250);
    }

    [Theory]
    [InlineData("--port", "0", "--port must be 1 to 65535, not 0")]
    [InlineData("--bind", "nowhere", "--bind takes an IP address, not 'nowhere'")]
    public void Serve_refuses_an_address_it_cannot_listen_on(string option, string value, string message)
    {
        using var dir = new TempFolder("cli-serve");
        var result = GlintCli.Run(dir["home"], "serve", option, value);
        AssertOneErrorLine(result, $"serve {option} {value}");
        Assert.Contains(message, result.Error);
    }

    [Fact]
    public void Serve_refuses_half_a_key_pair()
    {
        using var dir = new TempFolder("cli-serve-keys");
        var result = GlintCli.Run(dir["home"], ["serve", "--port", Ports.Free().ToString(System.Globalization.CultureInfo.InvariantCulture)],
            new Dictionary<string, string> { ["GLINT_API_ACCESS_KEY_ID"] = "AKID" });
        AssertOneErrorLine(result, "serve with only GLINT_API_ACCESS_KEY_ID");
        Assert.Contains("set both GLINT_API_ACCESS_KEY_ID and GLINT_API_SECRET_ACCESS_KEY", result.Error);
    }

    [Theory]
    [InlineData("--workers", "0", "number_of_workers must be at least 1")]
    [InlineData("--worker-type", "G.16X", "unknown worker type 'G.16X'")]
    [InlineData("--timeout", "0", "timeout must be longer than 0")]
    [InlineData("--timeout", "soon", "'--timeout' takes a duration")]
    [InlineData("--max-concurrent-runs", "0", "max concurrent runs must be at least 1")]
    [InlineData("--max-retries", "-1", "max retries must be 0 or more")]
    [InlineData("--bookmark", "sometimes", "expected one of enable, disable, pause")]
    public void Job_options_no_run_could_honour_are_refused_when_the_job_is_stored(string option, string value, string message)
    {
        using var dir = new TempFolder("cli-job-options");
        File.WriteAllText(dir["job.yaml"], "sources: { s: { path: in } }\ntargets: [ { from: s, path: out } ]\n");
        var create = GlintCli.Run(dir["home"], "job", "create", "j", "--spec", dir["job.yaml"], option, value);
        AssertOneErrorLine(create, $"job create {option} {value}");
        Assert.Contains(message, create.Error);
        Assert.Equal(0, GlintCli.Run(dir["home"], "job", "create", "j", "--spec", dir["job.yaml"]).ExitCode);
        var update = GlintCli.Run(dir["home"], "job", "update", "j", option, value);
        AssertOneErrorLine(update, $"job update {option} {value}");
        Assert.Contains(message, update.Error);
    }

    [Fact]
    public void Job_update_changes_only_the_options_it_is_given()
    {
        using var dir = new TempFolder("cli-job-update");
        File.WriteAllText(dir["job.yaml"], "sources: { s: { path: in } }\ntargets: [ { from: s, path: out } ]\n");
        Assert.Equal(0, GlintCli.Run(dir["home"], "job", "create", "j", "--spec", dir["job.yaml"], "--max-retries", "1", "--timeout", "30",
            "--workers", "3", "--worker-type", "G.2X", "--arg", "day=1").ExitCode);
        var update = GlintCli.Run(dir["home"], "job", "update", "j", "--bookmark", "pause");
        Assert.True(update.ExitCode == 0, update.All);
        var show = GlintCli.Run(dir["home"], "job", "show", "j").Output;
        Assert.Contains("bookmarks pause, max retries 1, timeout 30 min", show);
        Assert.Contains("3 × G.2X", show);
        Assert.Contains("--arg day=1", show);
        Assert.Equal(0, GlintCli.Run(dir["home"], "job", "update", "j", "--timeout", "90s").ExitCode);
        Assert.Contains("bookmarks pause, max retries 1, timeout 90 s", GlintCli.Run(dir["home"], "job", "show", "j").Output);
        Assert.Equal(0, GlintCli.Run(dir["home"], "job", "update", "j", "--timeout", "2h").ExitCode);
        Assert.Contains("timeout 120 min", GlintCli.Run(dir["home"], "job", "show", "j").Output);
        AssertOneErrorLine(GlintCli.Run(dir["home"], "job", "update", "nope", "--timeout", "5"), "update of an unknown job");
    }
}
