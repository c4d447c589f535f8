using System.Globalization;
using System.Net;
using System.Text;
using Glint.Execution;
using Glint.Jobs;

namespace Glint.Reports;

/// <summary>The report's data-quality section: each rule's outcome and metrics, and every metric's trend over the job's runs as an inline SVG.</summary>
internal static class QualitySection
{
    private static readonly CultureInfo Inv = CultureInfo.InvariantCulture;
    private const int Runs = 30;

    /// <param name="history">the job's runs, newest first (the run itself among them)</param>
    public static void Append(StringBuilder html, JobRun run, IReadOnlyList<JobRun> history)
    {
        var outcomes = run.Record?.Quality ?? [];
        if (outcomes.Count == 0) return;
        var passed = outcomes.Count(o => o.Outcome == QualityOutcome.Passed);
        var rules = outcomes.Count(o => o.Outcome != QualityOutcome.Analyzed);
        html.Append("<section id=\"quality\"><h2>Data quality</h2>")
            .Append($"<p>{passed} of {rules} rules passed (score {(rules == 0 ? 1 : (double)passed / rules).ToString("0.##", Inv)}).</p>")
            .Append("<table class=\"grid\"><tr><th>ruleset</th><th>rule</th><th>outcome</th><th>failure reason</th><th>metric</th><th>value</th><th>over the job's runs</th></tr>");
        var earlier = history.Where(r => r.Started <= run.Started && r.Record?.Quality is { Count: > 0 }).Take(Runs).Reverse().ToList();
        foreach (var o in outcomes)
        {
            var metrics = o.Metrics.OrderBy(m => m.Key).ToList();
            var span = Math.Max(1, metrics.Count);
            var head = $"<td rowspan=\"{span}\">{E(o.Ruleset)}</td><td rowspan=\"{span}\"><code>{E(o.Rule)}</code></td>" +
                $"<td rowspan=\"{span}\" class=\"{(o.Outcome == QualityOutcome.Passed ? "ok" : o.Outcome == QualityOutcome.Analyzed ? "" : "bad")}\">{E(o.Outcome)}</td>" +
                $"<td rowspan=\"{span}\">{E(o.Reason ?? "")}</td>";
            if (metrics.Count == 0) html.Append($"<tr>{head}<td></td><td></td><td></td></tr>");
            foreach (var (metric, i) in metrics.Select((m, i) => (m, i)))
            {
                var trend = earlier.Select(r => r.Record!.Quality!.FirstOrDefault(q => q.Ruleset == o.Ruleset && q.Rule == o.Rule)?.Metrics.GetValueOrDefault(metric.Key))
                    .OfType<double>().ToList();
                html.Append($"<tr>{(i == 0 ? head : "")}<td>{E(metric.Key)}</td><td>{metric.Value.ToString("0.######", Inv)}</td><td>{Sparkline(trend, metric.Key)}</td></tr>");
            }
        }
        html.Append("</table><p class=\"legend\">Each line is a metric in the job's last runs up to this one (oldest left, this run the last dot).</p></section>\n");
    }

    /// <summary>A 160 × 36 line of the values, scaled to their range.</summary>
    private static string Sparkline(IReadOnlyList<double> values, string title)
    {
        if (values.Count == 0) return "";
        const double width = 160, height = 36, pad = 4;
        var (min, max) = (values.Min(), values.Max());
        double X(int i) => values.Count == 1 ? width / 2 : pad + i * (width - 2 * pad) / (values.Count - 1);
        double Y(double v) => max == min ? height / 2 : height - pad - (v - min) * (height - 2 * pad) / (max - min);
        var points = string.Join(" ", values.Select((v, i) => $"{X(i).ToString("0.#", Inv)},{Y(v).ToString("0.#", Inv)}"));
        var last = values.Count - 1;
        return $"<svg class=\"trend\" width=\"{width}\" height=\"{height}\" role=\"img\" aria-label=\"{E(title)} over {values.Count} runs\">" +
            $"<title>{E(title)}: {string.Join(", ", values.Select(v => v.ToString("0.####", Inv)))}</title>" +
            $"<polyline fill=\"none\" stroke=\"#36c\" stroke-width=\"1.5\" points=\"{points}\"/>" +
            $"<circle cx=\"{X(last).ToString("0.#", Inv)}\" cy=\"{Y(values[last]).ToString("0.#", Inv)}\" r=\"3\" fill=\"#36c\"/></svg>";
    }

    private static string E(string text) => WebUtility.HtmlEncode(text);
}
