using System.Globalization;
using Glint.Execution;
using Spectre.Console;

namespace Glint.Cli.Terminal;

/// <summary>Data-quality outcomes as a table: rule, outcome, failure reason and the metrics evaluated (glint dq check, glint runs show).</summary>
internal static class QualityTable
{
    public static void Print(IEnumerable<QualityOutcome> outcomes, bool withRuleset = false)
    {
        var table = new Table().Border(TableBorder.Rounded);
        if (withRuleset) table.AddColumn("Ruleset");
        table.AddColumn("Rule").AddColumn("Outcome").AddColumn("Failure reason").AddColumn("Evaluated metrics");
        foreach (var o in outcomes)
        {
            var color = o.Outcome switch { QualityOutcome.Passed => "green", QualityOutcome.Analyzed => "blue", _ => "red" };
            var metrics = string.Join("\n", o.Metrics.OrderBy(m => m.Key).Select(m => $"{m.Key}: {m.Value.ToString("0.######", CultureInfo.InvariantCulture)}"));
            var cells = new List<Spectre.Console.Rendering.IRenderable>();
            if (withRuleset) cells.Add(new Text(o.Ruleset));
            cells.AddRange([new Text(o.Rule), new Markup($"[{color}]{o.Outcome}[/]"), new Text(o.Reason ?? ""), new Text(metrics)]);
            table.AddRow(cells);
        }
        AnsiConsole.Write(table);
    }
}
