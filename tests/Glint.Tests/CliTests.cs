using System.Text.RegularExpressions;
using Glint.Common;
using Glint.Samples;
using Glint.Tests.Support;

namespace Glint.Tests;

/// <summary>The glint command as users run it: explain, run, demo and its errors.</summary>
public sealed class CliTests
{
    private static string DemoSpec(TempFolder dir, long rows = 200_000)
    {
        SalesDataGenerator.Sales(dir["data/sales"], rows, days: 14, filesPerDay: 6);
        SalesDataGenerator.Customers(dir["data/customers.parquet"]);
        using var resource = typeof(Glint.Cli.Commands.DemoCommand).Assembly.GetManifestResourceStream("daily_sales.yaml")!;
        using var reader = new StreamReader(resource);
        File.WriteAllText(dir["daily_sales.yaml"], reader.ReadToEnd());
        return dir["daily_sales.yaml"];
    }

    [Fact]
    public void Explain_on_the_demo_spec_shows_stages_tasks_and_split_sizes()
    {
        using var dir = new TempFolder("cli-explain");
        var result = GlintCli.Run(dir["home"], "explain", DemoSpec(dir));
        Assert.Equal(0, result.ExitCode);
        Assert.Matches(new Regex(@"== Physical plan: \d+ stages"), result.Output);
        Assert.Matches(new Regex(@"Stage s\d+: no tasks of its own → exchange to scratch"), result.Output);  // the broadcast side, fused locally
        Assert.Matches(new Regex(@"exchange: fused, computed inside s\d+'s task"), result.Output);
        Assert.Matches(new Regex(@"Stage s\d+: 1 task × \d+ slots \(fused: one DuckDB with \d+ threads\)"), result.Output);
        Assert.Matches(new Regex(@"→ shuffle by hash\(""country"", ""day""\) into 4 buckets"), result.Output);
        Assert.Matches(new Regex(@"Stage s1: \d+ tasks? × 1 slot → Write parquet .*shipped_sales"), result.Output);
        Assert.Matches(new Regex(@"\d+ splits from 84 files \([\d.]+ MB\): bytes per split min"), result.Output);
        Assert.Contains("split 0:", result.Output);
        Assert.Contains("COPY", result.Output, StringComparison.Ordinal); // the SQL a task runs is shown (the COPY is added by the task)

        var files = GlintCli.Run(dir["home"], "explain", dir["daily_sales.yaml"], "--set", "local_exchange=files");
        Assert.True(files.ExitCode == 0, files.All);
        Assert.Matches(new Regex(@"Stage s\d+: \d+ tasks? × 1 slot → exchange to scratch"), files.Output);
        Assert.Matches(new Regex(@"exchange: materialised as files \(local_exchange: files\)"), files.Output);
        Assert.DoesNotContain("fused", files.Output, StringComparison.Ordinal);
    }

    [Fact]
    public void Run_prints_a_summary_with_cost_and_writes_the_targets()
    {
        using var dir = new TempFolder("cli-run");
        var spec = DemoSpec(dir);
        var result = GlintCli.Run(dir["home"], "run", spec, "--workers", "1", "--worker-type", "G.025X", "--set", "max_partition_bytes=1MB");
        Assert.True(result.ExitCode == 0, result.All);
        Assert.Contains("SUCCEEDED", result.Output);
        Assert.Contains("DPU-seconds", result.Output);
        Assert.Contains("15.0", result.Output); // 1 worker × 0.25 DPU × 60 s minimum
        Assert.True(File.Exists(dir["output/shipped_sales/_SUCCESS"]));
        Assert.True(File.Exists(dir["output/returns/_SUCCESS"]));
        // The demo's aggregate runs locally with its shuffle fused into the writing stage's one task.
        Assert.Matches(@"fused, stage s\d+\s*│\s*computed s\d", result.Output);
        var revenue = Reference.Query($"SELECT sum(orders)::BIGINT, sum(revenue) FROM read_parquet('{dir["output/revenue_by_country"]}/*.parquet')")[0];
        var expectedRevenue = Reference.Query($"SELECT count(*)::BIGINT, sum(round(amount * quantity, 2)) FROM read_parquet('{dir["data/sales"]}/**/*.parquet') WHERE status = 'shipped' AND quantity > 0")[0];
        Assert.Equal(expectedRevenue[0], revenue[0]);
        Assert.Equal((double)expectedRevenue[1]!, (double)revenue[1]!, 1e-3); // summed in another order
        var written = Convert.ToInt64(Reference.Query($"SELECT count(*) FROM read_parquet('{dir["output/shipped_sales"]}/**/*.parquet')")[0][0]);
        var expected = Convert.ToInt64(Reference.Query($"SELECT count(*) FROM read_parquet('{dir["data/sales"]}/**/*.parquet') WHERE status = 'shipped' AND quantity > 0")[0][0]);
        Assert.Equal(expected, written);
    }

    [Theory]
    [InlineData("name: x\nsources: { s: { path: nowhere } }\ntargets: [ { from: s, path: out } ]\n", "does not exist")]
    [InlineData("name: x\nworker_type: G.9X\nsources: { s: { path: data/sales } }\ntargets: [ { from: s, path: out } ]\n", "unknown worker type 'G.9X'")]
    [InlineData("name: x\nsources: { s: { path: data/sales } }\ntransforms: [ { name: t, from: s, filter: 'amout > 1' } ]\ntargets: [ { from: t, path: out } ]\n", "column \"amout\" not found")]
    [InlineData("name: x\nsources: { s: { path: data/sales } }\ntargets: [ { from: s, path: data/sales/out } ]\n", "overlaps source")]
    [InlineData("name: x\nsources: [oops\n", "line")]
    public void User_mistakes_print_one_clear_line_and_exit_non_zero(string yaml, string message)
    {
        using var dir = new TempFolder("cli-bad");
        SalesDataGenerator.Sales(dir["data/sales"], 1000, days: 1, filesPerDay: 1);
        File.WriteAllText(dir["job.yaml"], yaml);
        var result = GlintCli.Run(dir["home"], "run", dir["job.yaml"]);
        Assert.Equal(1, result.ExitCode);
        Assert.Contains(message, result.All);
        Assert.DoesNotContain("   at ", result.All); // no stack trace
        Assert.Single(result.All.Trim().Split('\n'), l => l.StartsWith("error", StringComparison.Ordinal));
        Assert.False(Directory.Exists(dir["out"]));
    }

    [Fact]
    public void Unknown_setting_on_the_command_line_is_an_error()
    {
        using var dir = new TempFolder("cli-set");
        var result = GlintCli.Run(dir["home"], "run", DemoSpec(dir, 1000), "--set", "max_partition_byte=1MB");
        Assert.Equal(1, result.ExitCode);
        Assert.Contains("unknown setting 'max_partition_byte'", result.All);
        Assert.False(Directory.Exists(dir["output"]));
    }

    [Fact]
    public void A_key_value_option_without_its_equals_sign_is_refused_before_anything_runs()
    {
        using var dir = new TempFolder("cli-kv");
        foreach (var option in new[] { "--set", "--arg" })
        {
            var result = GlintCli.Run(dir["home"], "run", DemoSpec(dir, 1000), option, "max_partition_bytes");
            Assert.Equal(1, result.ExitCode);
            Assert.Contains("take key=value", result.Error);
            Assert.Contains("'max_partition_bytes'", result.Error);
            Assert.DoesNotContain("   at ", result.All);
            Assert.False(Directory.Exists(dir["output"]));
        }
    }

    [Fact]
    public void Settings_lists_every_declared_setting_and_refuses_an_unknown_one_with_the_closest()
    {
        var all = GlintCli.Run(Path.GetTempPath(), "settings");
        Assert.Equal(0, all.ExitCode);
        foreach (var option in GlintSettings.Declared.Options) Assert.Contains(option.Name, all.Output);
        var one = GlintCli.Run(Path.GetTempPath(), "settings", "group_size");
        Assert.Equal(0, one.ExitCode);
        Assert.Contains("max_partition_bytes", one.Output);
        Assert.DoesNotContain("shuffle_partitions", one.Output);
        var unknown = GlintCli.Run(Path.GetTempPath(), "settings", "shuffle_partition");
        Assert.Equal(1, unknown.ExitCode);
        Assert.Contains("unknown setting 'shuffle_partition'; did you mean \"shuffle_partitions\"?", unknown.Error);
    }

    [Fact]
    public async Task A_termination_signal_stops_a_running_statement_and_leaves_its_output_unwritten()
    {
        using var dir = new TempFolder("cli-ctrl-c");
        // 200,000 rows of one key joined with themselves: 4 × 10^10 pairs, far more than the test waits for.
        File.WriteAllText(dir["keys.csv"], "k\n" + string.Concat(Enumerable.Repeat("1\n", 200_000)));
        using var process = GlintCli.Start(dir["home"], ["sql", "SELECT count(*) AS n FROM t AS a JOIN t AS b USING (k)",
            "--source", $"t={dir["keys.csv"]}:csv", "--output", dir["out"]]);
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        // The run's scratch folder appears when its slots start, so the signal comes while a task runs, not during start-up.
        var scratch = Path.Combine(dir["home"], "scratch");
        Assert.True(SpinWait.SpinUntil(() => process.HasExited || (Directory.Exists(scratch) && Directory.EnumerateDirectories(scratch).Any()),
            TimeSpan.FromMinutes(2)), "the run never started");
        Assert.False(process.HasExited, "glint ended before the signal");
        // SIGTERM, as a scheduler stops a job; Ctrl+C (SIGINT) takes the same path in Program.
        Signals.Terminate(process);
        Assert.True(process.WaitForExit(TimeSpan.FromMinutes(1)), "glint did not stop after SIGTERM");
        var (stdout, stderr) = (await output, await error);
        Assert.True(process.ExitCode == 1, $"exit {process.ExitCode}: {stderr} {stdout}");
        Assert.Contains("cancelling (SIGTERM)", stderr);
        Assert.Contains("cancelled; no target was changed", stderr);
        Assert.DoesNotContain("   at ", stderr + stdout);
        Assert.False(Directory.Exists(dir["out"]));
    }

    [Fact]
    public void Help_lists_the_commands()
    {
        var result = GlintCli.Run(Path.GetTempPath(), "--help");
        Assert.Equal(0, result.ExitCode);
        foreach (var command in new[] { "run", "explain", "demo" })
            Assert.Contains(command, result.Output);
        var runHelp = GlintCli.Run(Path.GetTempPath(), "run", "--help");
        Assert.Contains("--worker-type", runHelp.Output);
        Assert.Contains("--set", runHelp.Output);
    }

    [Fact]
    public void Demo_runs_end_to_end()
    {
        using var dir = new TempFolder("cli-demo");
        var result = GlintCli.Run(dir["home"], "demo", "--rows", "100000");
        Assert.True(result.ExitCode == 0, result.All);
        Assert.Contains("SUCCEEDED", result.Output);
        Assert.True(File.Exists(dir["home/demo/output/shipped_sales/_SUCCESS"]));
    }
}
