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
        Assert.Matches(@"│\s*G\.025X\s*│\s*1\s*│\s*2\s*│[^\n]*cheapest within deadline", advice.Output);
        Assert.Matches(@"│\s*local\s*│\s*1\s*│[^\n]*current", advice.Output);
        Assert.Contains("the cluster pays off above", advice.Output);

        var badDeadline = GlintCli.Run(dir["home"], "advise", runId, "--deadline", "soon");
        Assert.Equal(1, badDeadline.ExitCode);
        Assert.Contains("--deadline takes a duration such as 90s", badDeadline.All);
        var unknown = GlintCli.Run(dir["home"], "advise", "run-nope");
        Assert.Equal(1, unknown.ExitCode);
        Assert.Contains("run 'run-nope' is not on record", unknown.All);
    }
}
