using System.Globalization;
using System.Text;

namespace Glint.Jobs;

/// <summary>A recorded run's plan as it was executed: each stage, its tasks planned and run, and every adaptive decision with its numbers.</summary>
public static class ExecutedPlan
{
    public static string Render(JobRun run)
    {
        var stages = run.Record?.Stages ?? throw new Common.SpecException(
            $"run {run.RunId} has no executed plan on record (state {run.State.ToString().ToUpperInvariant()}; runs recorded before Glint kept stages have none)");
        var sb = new StringBuilder();
        var decisions = stages.Sum(s => s.Decisions.Count);
        sb.AppendLine(CultureInfo.InvariantCulture,
            $"== Plan as executed: {stages.Count} stage{(stages.Count == 1 ? "" : "s")}, {stages.Sum(s => s.Tasks)} tasks (planned {stages.Sum(s => s.PlannedTasks)}), " +
            $"{decisions} adaptive decision{(decisions == 1 ? "" : "s")} ==");
        foreach (var s in stages.OrderBy(s => s.Id))
        {
            var after = s.DependsOn.Count == 0 ? "" : " after " + string.Join(", ", s.DependsOn.Select(d => $"s{d}"));
            var planned = s.PlannedTasks == s.Tasks ? "" : $" (planned {s.PlannedTasks})";
            sb.AppendLine(string.Create(CultureInfo.InvariantCulture,
                $"Stage s{s.Id}: {s.Tasks} task{(s.Tasks == 1 ? "" : "s")}{planned}{after} → {s.Name}; {s.WallSeconds:0.000} s, {s.RowsOut:N0} rows out, ") +
                Common.Bytes.Format(s.BytesOut) + (s.Attempts > s.Tasks ? $", {s.Attempts} attempts" : ""));
            foreach (var d in s.Decisions) sb.AppendLine("  adaptive: " + d);
        }
        return sb.ToString();
    }
}
