using System.ComponentModel;
using System.Globalization;
using Glint.Common;
using Glint.Jobs;
using Spectre.Console;
using Spectre.Console.Cli;

namespace Glint.Cli.Commands;

/// <summary><c>glint advise &lt;run-id&gt; [--deadline 10m]</c>: the run replayed on other worker types and counts, cheapest first.</summary>
public sealed class AdviseCommand : Command<AdviseCommand.Settings>
{
    public sealed class Settings : JobStoreSettings
    {
        [CommandArgument(0, "<run-id>")]
        [TypeConverter(typeof(RunIdConverter))]
        public RunId RunId { get; init; }

        [CommandOption("--deadline <TIME>")]
        [Description("Longest acceptable wall time, e.g. 90s, 10m, 2h; the cheapest configuration within it is marked.")]
        public string? Deadline { get; init; }

        [CommandOption("--set <KEY=VALUE>")]
        [Description("Prices: dpu_hour_price (default 0.44) and node_hour_price (an always-on 4 vCPU / 16 GB node, default 0.24); may repeat.")]
        public KeyValue[] Set { get; init; } = [];

        [CommandOption("--all")]
        [Description("List every configuration replayed, not only the 15 cheapest.")]
        public bool All { get; init; }
    }

    public override int Execute(CommandContext context, Settings settings, CancellationToken cancellation)
    {
        var deadline = settings.Deadline is null ? (TimeSpan?)null : ParseDuration(settings.Deadline);
        var prices = new GlintSettings().With(JobSettings.Overrides(settings.Set));
        using var jobs = settings.OpenJobs();
        var run = jobs.RequireRun(settings.RunId);
        var advice = Advisor.Advise(run, jobs.TaskAttempts(run.RunId), jobs.Runs(run.Job), deadline, prices.DollarsPerDpuHour, prices.DollarsPerNodeHour);
        Print(advice, settings.All);
        return 0;
    }

    private static void Print(Advice advice, bool all)
    {
        static string S(double v) => v.ToString("0.0", CultureInfo.InvariantCulture);
        static string D(double v) => "$" + v.ToString("0.0000", CultureInfo.InvariantCulture);
        var c = advice.Current;
        AnsiConsole.MarkupLineInterpolated(
            $"run {advice.RunId} on {c.Workers} × {c.WorkerType.Name} ({c.Slots} slots): {S(advice.RecordedWallSeconds)} s recorded, {S(c.WallSeconds)} s replayed; {S(advice.OverheadSeconds)} s of it outside tasks");
        var rows = advice.Configurations.OrderBy(x => x.Cost).ThenBy(x => x.WallSeconds).ToList();
        var shown = all ? rows : rows.Take(15).ToList();
        // The current configuration is always listed (a local worker is not among the Glue types replayed).
        var same = rows.FirstOrDefault(r => r.WorkerType.Name == c.WorkerType.Name && r.Workers == c.Workers);
        if (same is null) shown.Add(c);
        else if (!shown.Contains(same)) shown.Add(same);
        var table = new Table().Border(TableBorder.Rounded).AddColumns("worker type", "workers", "slots", "predicted wall (s)", "DPU-s", "cost", "spilling tasks", "");
        foreach (var r in shown)
        {
            var marks = new List<string>();
            if (advice.Cheapest == r) marks.Add(advice.Deadline is null ? "cheapest" : "cheapest within deadline");
            if (r.WorkerType.Name == c.WorkerType.Name && r.Workers == c.Workers) marks.Add("current");
            if (advice.Deadline is { } d && r.WallSeconds > d.TotalSeconds) marks.Add("misses deadline");
            table.AddRow(r.WorkerType.Name, r.Workers.ToString(CultureInfo.InvariantCulture), r.Slots.ToString(CultureInfo.InvariantCulture), S(r.WallSeconds),
                S(r.DpuSeconds), D(r.Cost), r.SpillingTasks.ToString(CultureInfo.InvariantCulture), string.Join(", ", marks));
        }
        AnsiConsole.Write(table);
        if (!all && rows.Count > shown.Count) AnsiConsole.MarkupLineInterpolated($"{rows.Count - shown.Count} more configuration(s); --all lists them");
        if (advice.Cheapest is { } best)
        {
            var current = advice.CurrentMissesBy is { } late
                ? $"the current choice ({c.Workers} × {c.WorkerType.Name}, {S(c.WallSeconds)} s) misses the deadline by {S(late.TotalSeconds)} s"
                : $"the current choice ({D(c.Cost)}) wastes {D(advice.Waste)} per run ({(c.Cost > 0 ? advice.Waste / c.Cost * 100 : 0).ToString("0", CultureInfo.InvariantCulture)}%)";
            AnsiConsole.MarkupLineInterpolated(
                $"cheapest{(advice.Deadline is null ? "" : " within the deadline")}: {best.Workers} × {best.WorkerType.Name}, {S(best.WallSeconds)} s, {D(best.Cost)} per run; {current}");
        }
        else
            AnsiConsole.MarkupLineInterpolated(
                $"no configuration replayed meets the deadline of {advice.Deadline!.Value.TotalSeconds.ToString("0.###", CultureInfo.InvariantCulture)} s; the current choice ({c.Workers} × {c.WorkerType.Name}) misses it by {S(advice.CurrentMissesBy?.TotalSeconds ?? 0)} s");
        var k = advice.Cluster;
        AnsiConsole.MarkupLineInterpolated(
            $"schedule: {k.RunsPerDay.ToString("0.##", CultureInfo.InvariantCulture)} run(s) per day observed ({k.ObservedRuns} succeeded run(s) of the job): per-run billing {D(k.ServerlessPerDay)} a day; an always-on cluster of {k.Nodes} node(s) {D(k.ClusterPerDay)} a day; the cluster pays off above {k.BreakEvenRunsPerDay.ToString("0.#", CultureInfo.InvariantCulture)} runs a day");
    }

    /// <summary>90s, 10m, 2h, 1h30m, or a plain number of seconds.</summary>
    internal static TimeSpan ParseDuration(string text)
    {
        // A unit is required: "10" could be seconds or Glue's minutes, and guessing wrong silently advises for the wrong deadline.
        var m = System.Text.RegularExpressions.Regex.Match(text.Trim(), @"^(?:(\d+(?:\.\d+)?)h)?(?:(\d+(?:\.\d+)?)m)?(?:(\d+(?:\.\d+)?)s)?$");
        if (!m.Success || text.Trim().Length == 0)
            throw new ConfigException("--deadline", $"--deadline takes a duration with its unit, such as 90s, 10m, 2h or 1h30m, not '{text}'");
        double Part(int g) => m.Groups[g].Success ? double.Parse(m.Groups[g].Value, CultureInfo.InvariantCulture) : 0;
        return TimeSpan.FromSeconds(Part(1) * 3600 + Part(2) * 60 + Part(3));
    }
}
