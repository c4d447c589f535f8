using System.Text.RegularExpressions;
using Glint.Tests.Support;

namespace Glint.Tests;

/// <summary><c>glint runs show --plan</c> and <c>glint advise</c> on a run recorded by <c>glint run</c>.</summary>
public sealed class AdviseCliTests
{
    [Fact]
    public void A_recorded_run_shows_its_plan_as_executed_and_gets_advice()
    {
        using var dir = new TempFolder("cli-advise");
        Directory.CreateDirectory(dir["in"]);
        for (var f = 0; f < 4; f++)
            Reference.Execute($"COPY (SELECT {f} * 5000 + range AS id, hash(range, {f}) % 300 AS k FROM range(5000)) TO '{dir[$"in/part-{f}.parquet"]}' (FORMAT PARQUET)");
        File.WriteAllText(dir["job.yaml"], $$"""
            name: counts
            settings: { local_exchange: files }
            sources:
              src: { path: in }
            transforms:
              - { name: t, from: src, group_by: [k], agg: ["count(*) AS n"] }
            targets:
              - { from: t, path: {{dir["out"]}} }
            """);
        var run = GlintCli.Run(dir["home"], "run", dir["job.yaml"]);
        Assert.True(run.ExitCode == 0, run.All);
        Assert.Matches(@"adaptive, stage s2\s*│\s*coalesced \d+ non-empty buckets of s1", run.Output);
        var runId = Regex.Match(run.Output, @"run-\d{8}-\d{6}-[0-9a-f]{6}").Value;

        var plan = GlintCli.Run(dir["home"], "runs", "show", runId, "--plan");
        Assert.True(plan.ExitCode == 0, plan.All);
        Assert.Contains("== Plan as executed: 2 stages", plan.Output);
        Assert.Matches(@"Stage s2: 1 task \(planned \d+\) after s1 → write", plan.Output);
        Assert.Matches(@"  adaptive: coalesced \d+ non-empty buckets of s1 \([0-9.]+ KB\) into 1 task", plan.Output);

        var advice = GlintCli.Run(dir["home"], "advise", runId, "--deadline", "10m");
        Assert.True(advice.ExitCode == 0, advice.All);
        // Glue's rules for batch jobs: no G.025X (streaming only), at least 2 workers.
        Assert.Matches(@"│\s*G\.1X\s*│\s*2\s*│\s*8\s*│[^\n]*cheapest within deadline", advice.Output);
        Assert.DoesNotContain("G.025X", advice.Output);
        Assert.DoesNotMatch(@"│\s*G\.\dX\s*│\s*1\s*│", advice.Output);
        Assert.Matches(@"│\s*local\s*│\s*1\s*│[^\n]*current", advice.Output);
        Assert.Contains("the cluster pays off above", advice.Output);

        // Shorter than the time outside tasks: nothing meets it, the current choice included, and nothing is said to be wasted.
        var tight = GlintCli.Run(dir["home"], "advise", runId, "--deadline", "0.01s");
        Assert.True(tight.ExitCode == 0, tight.All);
        Assert.Matches(@"no configuration replayed meets the deadline of 0\.01 s; the current choice \(1 × local\) misses it by [0-9.]+ s", tight.Output);
        Assert.DoesNotContain("wastes", tight.Output);

        foreach (var bad in new[] { "soon", "10" })
        {
            var badDeadline = GlintCli.Run(dir["home"], "advise", runId, "--deadline", bad);
            CliErrorTests.AssertOneErrorLine(badDeadline, $"--deadline {bad}");
            Assert.Contains("--deadline takes a duration with its unit, such as 90s", badDeadline.Error);
        }
        var unknown = GlintCli.Run(dir["home"], "advise", "run-nope");
        CliErrorTests.AssertOneErrorLine(unknown, "advise run-nope");
        Assert.Contains("run 'run-nope' does not exist", unknown.Error);
    }
}
