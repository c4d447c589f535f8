using System.Globalization;
using System.Net;
using System.Text;
using Glint.Catalog;
using Glint.Jobs;

namespace Glint.Reports;

/// <summary>
/// One recorded run as a self-contained HTML page — no script, font or style from the network, every
/// chart an inline SVG drawn here: the summary, the stage DAG with adaptive decisions, a task timeline
/// per slot (failed attempts marked), task durations per stage with the straggler named, slot
/// utilization over time, and the error records.
/// </summary>
public static class RunReport
{
    private static readonly CultureInfo Inv = CultureInfo.InvariantCulture;

    /// <param name="history">the job's runs, newest first: the data-quality section draws each metric's trend over them</param>
    public static string Render(JobRun run, IReadOnlyList<TaskAttemptRow> attempts, IReadOnlyList<JobRun>? history = null)
    {
        var html = new StringBuilder();
        html.Append("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">")
            .Append($"<title>Glint run {E(run.RunId.Value)}</title><style>{Style}</style></head><body>\n")
            .Append($"<h1>Run <code>{E(run.RunId.Value)}</code> of job <code>{E(run.Job)}</code></h1>\n");
        Summary(html, run, attempts);
        var stages = run.Record?.Stages ?? [];
        if (stages.Count > 0) Dag(html, stages);
        Timeline(html, attempts);
        Durations(html, attempts);
        Utilization(html, run, attempts);
        Errors(html, run);
        QualitySection.Append(html, run, history ?? [run]);
        html.Append("</body></html>\n");
        return html.ToString();
    }

    private static void Summary(StringBuilder html, JobRun run, IReadOnlyList<TaskAttemptRow> attempts)
    {
        var r = run.Record;
        var wall = r?.WallSeconds ?? ((run.Ended ?? run.Heartbeat) - run.Started).TotalSeconds;
        var rows = new List<(string, string)>
        {
            ("state", run.State.ToString().ToUpperInvariant()),
            ("started", run.Started.ToString("u", Inv)),
            ("duration", $"{wall.ToString("0.00", Inv)} s"),
        };
        if (r is not null)
        {
            rows.Add(("rows in / out", $"{(r.RowsIn is { } i ? i.ToString("N0", Inv) : "n/a")} / {r.RowsOut.ToString("N0", Inv)}"));
            rows.Add(("files written", $"{r.FilesWritten.ToString("N0", Inv)} ({Common.Bytes.Format(r.BytesWritten)})"));
            if (r.WorkerType is not null) rows.Add(("workers", $"{r.Workers} × {r.WorkerType} ({r.Slots} slots)"));
            rows.Add(("DPU-seconds", r.DpuSeconds.ToString("0.0", Inv)));
            rows.Add(("cost", $"${r.Cost.ToString("0.0000", Inv)}"));
            var rowsForCost = Math.Max(r.RowsIn ?? 0, r.RowsOut);
            rows.Add(("cost per million rows", rowsForCost == 0 ? "n/a" : $"${(r.Cost / rowsForCost * 1e6).ToString("0.000000", Inv)}"));
        }
        rows.Add(("tasks / attempts", $"{attempts.Select(a => (a.Stage, a.Task)).Distinct().Count()} / {attempts.Count} ({attempts.Count(a => !a.Succeeded)} failed)"));
        if (run.Error is { } error) rows.Add(("error", error));
        html.Append("<section id=\"summary\"><h2>Summary</h2><table class=\"kv\">");
        foreach (var (k, v) in rows) html.Append($"<tr><th>{E(k)}</th><td>{E(v)}</td></tr>");
        html.Append("</table></section>\n");
    }

    /// <summary>Stages as boxes in columns by depth (a stage stands right of every stage it reads), arrows for what they read.</summary>
    private static void Dag(StringBuilder html, IReadOnlyList<StageRecord> stages)
    {
        var depth = new Dictionary<int, int>();
        int Depth(StageRecord s) => depth.TryGetValue(s.Id, out var d) ? d
            : depth[s.Id] = s.DependsOn.Count == 0 ? 0 : 1 + s.DependsOn.Select(id => stages.FirstOrDefault(x => x.Id == id)).OfType<StageRecord>().Max(Depth);
        foreach (var s in stages) Depth(s);
        const int boxW = 230, boxH = 74, gapX = 60, gapY = 22;
        var columns = stages.GroupBy(s => depth[s.Id]).ToDictionary(g => g.Key, g => g.OrderBy(s => s.Id).ToList());
        var position = new Dictionary<int, (int X, int Y)>();
        foreach (var (col, list) in columns)
            for (var i = 0; i < list.Count; i++) position[list[i].Id] = (10 + col * (boxW + gapX), 10 + i * (boxH + gapY));
        var width = 20 + (columns.Keys.Max() + 1) * (boxW + gapX);
        var height = 20 + columns.Values.Max(l => l.Count) * (boxH + gapY);
        html.Append("<section id=\"stages\"><h2>Stages</h2>")
            // Scrolls sideways inside the page rather than being cut off at its right edge.
            .Append("<div class=\"dag-wrap\" style=\"overflow-x:auto\">")
            .Append($"<svg class=\"dag\" width=\"{width}\" height=\"{height}\" viewBox=\"0 0 {width} {height}\" role=\"img\" aria-label=\"stage graph\">")
            .Append("<defs><marker id=\"arrow\" markerWidth=\"8\" markerHeight=\"8\" refX=\"7\" refY=\"4\" orient=\"auto\"><path d=\"M0,0 L8,4 L0,8 z\" fill=\"#666\"/></marker></defs>");
        foreach (var s in stages)
            foreach (var from in s.DependsOn.Where(position.ContainsKey))
            {
                var (x1, y1) = position[from];
                var (x2, y2) = position[s.Id];
                // Drawn before the boxes as a curve through the gaps between columns; an edge that skips a column runs
                // along the bottom margin of the rows instead of straight through the boxes between.
                var (sx, sy, ex, ey) = (x1 + boxW, y1 + boxH / 2, x2 - 2, y2 + boxH / 2);
                var path = x2 - x1 <= boxW + gapX
                    ? $"M{sx},{sy} C{sx + gapX / 2},{sy} {ex - gapX / 2},{ey} {ex},{ey}"
                    : $"M{sx},{sy} C{sx + gapX / 2},{sy} {sx + gapX / 2},{height - 6} {sx + gapX},{height - 6} L{ex - gapX},{height - 6} C{ex - gapX / 2},{height - 6} {ex - gapX / 2},{ey} {ex},{ey}";
                html.Append($"<path d=\"{path}\" fill=\"none\" stroke=\"#666\" marker-end=\"url(#arrow)\"/>");
            }
        foreach (var s in stages)
        {
            var (x, y) = position[s.Id];
            var adaptive = s.Decisions.Count > 0;
            html.Append($"<g class=\"stage\" data-stage=\"s{s.Id}\"><rect x=\"{x}\" y=\"{y}\" width=\"{boxW}\" height=\"{boxH}\" rx=\"6\" fill=\"{(adaptive ? "#eef6ff" : "#f6f6f6")}\" stroke=\"#888\"/>")
                .Append($"<text x=\"{x + 8}\" y=\"{y + 18}\" class=\"b\">s{s.Id} · {E(Short(s.Name, 26))}</text>")
                .Append($"<text x=\"{x + 8}\" y=\"{y + 36}\">{s.Tasks} task{(s.Tasks == 1 ? "" : "s")}{(s.PlannedTasks != s.Tasks ? $" (planned {s.PlannedTasks})" : "")} · {s.WallSeconds.ToString("0.00", Inv)} s</text>")
                .Append($"<text x=\"{x + 8}\" y=\"{y + 54}\">{s.RowsOut.ToString("N0", Inv)} rows · {E(Common.Bytes.Format(s.BytesOut))}</text>")
                .Append(adaptive ? $"<text x=\"{x + 8}\" y=\"{y + 69}\" class=\"a\">{s.Decisions.Count} adaptive decision{(s.Decisions.Count == 1 ? "" : "s")}</text>"
                    : s.Fused.Count > 0 ? $"<text x=\"{x + 8}\" y=\"{y + 69}\" class=\"a\">{E(Short(FusedText(s), 34))}</text>" : "")
                .Append("<title>").Append(E(string.Join("\n", s.Decisions.Prepend(s.Name)))).Append("</title></g>");
        }
        html.Append("</svg></div><table class=\"grid\"><tr><th>stage</th><th>what</th><th>after</th><th>tasks</th><th>rows out</th><th>bytes out</th><th title=\"from the stage's first task start to its last task end\">wall (s)</th><th>adaptive decisions</th></tr>");
        foreach (var s in stages)
            html.Append($"<tr><td>s{s.Id}</td><td>{E(s.Name)}{(s.Fused.Count > 0 ? $"<br>{E(FusedText(s))}" : "")}</td><td>{E(string.Join(", ", s.DependsOn.Select(d => $"s{d}")))}</td>")
                .Append($"<td>{s.Tasks}{(s.PlannedTasks != s.Tasks ? $" (planned {s.PlannedTasks})" : "")}</td><td>{s.RowsOut.ToString("N0", Inv)}</td><td>{E(Common.Bytes.Format(s.BytesOut))}</td>")
                .Append($"<td>{s.WallSeconds.ToString("0.000", Inv)}</td><td>{string.Join("<br>", s.Decisions.Select(E))}</td></tr>");
        html.Append("</table></section>\n");
    }

    /// <summary>What a fused stage's tasks computed besides their own work, and on how many slots.</summary>
    private static string FusedText(StageRecord s) =>
        $"computed {string.Join(", ", s.Fused.Select(f => $"s{f}"))} in its task on {s.TaskSlots} slot{(s.TaskSlots == 1 ? "" : "s")} (fused)";

    /// <summary>A Gantt chart: one lane per slot (grouped by worker or executor), one bar per attempt; failed attempts red.</summary>
    private static void Timeline(StringBuilder html, IReadOnlyList<TaskAttemptRow> attempts)
    {
        html.Append("<section id=\"timeline\"><h2>Task timeline</h2>");
        if (attempts.Count == 0)
        {
            html.Append("<p>No task attempts were recorded.</p></section>\n");
            return;
        }
        var start = attempts.Min(a => a.Started);
        var span = Math.Max(0.001, (attempts.Max(a => a.Ended) - start).TotalSeconds);
        var lanes = attempts.Select(a => a.Slot).Distinct().Order(StringComparer.Ordinal).ToList();
        // A wide task (a fused stage) holds several slots: the lanes show at least as many slots as one task took.
        for (var extra = 1; lanes.Count < attempts.Max(a => a.Slots); extra++) lanes.Add($"(slot +{extra})");
        const int left = 150, laneH = 18, plotW = 900;
        var height = 30 + lanes.Count * laneH;
        var colors = new[] { "#4e79a7", "#59a14f", "#edc948", "#b07aa1", "#76b7b2", "#ff9da7", "#9c755f", "#bab0ac" };
        var stragglers = StageTimes.Of(attempts).Where(t => t.Straggler).Select(t => t.Longest.AttemptId).ToHashSet();
        html.Append($"<svg class=\"timeline\" width=\"{left + plotW + 20}\" height=\"{height}\" viewBox=\"0 0 {left + plotW + 20} {height}\" role=\"img\" aria-label=\"task timeline\">");
        for (var i = 0; i < lanes.Count; i++)
            html.Append($"<text x=\"4\" y=\"{14 + i * laneH + 12}\" class=\"lane\">{E(lanes[i])}</text>")
                .Append($"<line x1=\"{left}\" x2=\"{left + plotW}\" y1=\"{14 + (i + 1) * laneH}\" y2=\"{14 + (i + 1) * laneH}\" stroke=\"#eee\"/>");
        foreach (var a in attempts.OrderBy(a => a.Started))
        {
            var x = left + (a.Started - start).TotalSeconds / span * plotW;
            var w = Math.Max(1.5, a.Duration.TotalSeconds / span * plotW);
            var lane = Math.Max(0, Math.Min(lanes.IndexOf(a.Slot), lanes.Count - a.Slots));
            var y = 14 + lane * laneH + 2;
            var barH = Math.Min(a.Slots, lanes.Count) * laneH - 4;
            var fill = a.Succeeded ? colors[(a.Stage - 1) % colors.Length] : "#e15759";
            var tip = $"{a.AttemptId} on {a.Slot}{(a.Slots > 1 ? $" and {a.Slots - 1} more slot{(a.Slots == 2 ? "" : "s")} (fused, {a.Slots} threads)" : "")}: {a.Duration.TotalSeconds.ToString("0.000", Inv)} s" + (a.Description is { } d ? $" — {d}" : "") +
                      (a.Succeeded ? $", {a.RowsOut?.ToString("N0", Inv) ?? "?"} rows out" : $" — FAILED: {a.Error}");
            var straggler = stragglers.Contains(a.AttemptId);
            html.Append($"<rect class=\"task-bar{(a.Succeeded ? "" : " failed")}{(straggler ? " straggler" : "")}\" data-attempt=\"{E(a.AttemptId)}\" data-stage=\"s{a.Stage}\" x=\"{F(x)}\" y=\"{y}\" width=\"{F(w)}\" height=\"{barH}\" data-slots=\"{a.Slots}\" fill=\"{fill}\"" +
                        (straggler ? " stroke=\"#c62828\" stroke-width=\"2.5\"" : "") + $"><title>{E((straggler ? "STRAGGLER " : "") + tip)}</title></rect>");
        }
        foreach (var a in attempts.Where(a => stragglers.Contains(a.AttemptId)))
        {
            var x = left + (a.Started - start).TotalSeconds / span * plotW;
            var y = 14 + lanes.IndexOf(a.Slot) * laneH + 12;
            html.Append($"<text x=\"{F(x + 4)}\" y=\"{y}\" class=\"straggler-label\">straggler {E(a.AttemptId)}{(a.Description is { } d ? $": {E(d)}" : "")}</text>");
        }
        html.Append($"<text x=\"{left}\" y=\"{height - 2}\" class=\"axis\">0 s</text><text x=\"{left + plotW - 40}\" y=\"{height - 2}\" class=\"axis\">{span.ToString("0.00", Inv)} s</text>")
            .Append("</svg><p class=\"legend\">Bars are task attempts, coloured by stage; red ones failed (or were lost with their executor); a red outline marks a stage's straggler (≥ 3× the stage's median). Hover a bar for its task.</p></section>\n");
    }

    /// <summary>A stage's successful attempts by duration: the median, the longest, and whether the longest is a straggler.</summary>
    private sealed record StageTimes(int Stage, List<double> Sorted, double Median, TaskAttemptRow Longest)
    {
        public double Ratio => Median > 0 ? Longest.Duration.TotalSeconds / Median : 1;

        /// <summary>The longest task ran at least 3× the stage's median, and there was more than one.</summary>
        public bool Straggler => Sorted.Count > 1 && Ratio >= 3;

        public static List<StageTimes> Of(IReadOnlyList<TaskAttemptRow> attempts) =>
            [.. attempts.Where(a => a.Succeeded).GroupBy(a => a.Stage).OrderBy(g => g.Key).Select(g =>
            {
                var sorted = g.Select(a => a.Duration.TotalSeconds).Order().ToList();
                return new StageTimes(g.Key, sorted, sorted[sorted.Count / 2], g.MaxBy(a => a.Duration)!);
            })];
    }

    /// <summary>Per stage: the durations of its successful attempts as a strip, the median and the straggler named.</summary>
    private static void Durations(StringBuilder html, IReadOnlyList<TaskAttemptRow> attempts)
    {
        html.Append("<section id=\"durations\"><h2>Task durations per stage</h2><table class=\"grid\"><tr><th>stage</th><th>tasks</th><th title=\"task attempt time\">median task (s)</th><th title=\"task attempt time\">longest task (s)</th><th>longest / median</th><th>durations</th><th>straggler</th></tr>");
        foreach (var stage in StageTimes.Of(attempts))
        {
            var (times, median, longest, ratio) = (stage.Sorted, stage.Median, stage.Longest, stage.Ratio);
            const int w = 320, h = 22;
            var max = Math.Max(0.001, times[^1]);
            var strip = new StringBuilder($"<svg width=\"{w}\" height=\"{h}\" viewBox=\"0 0 {w} {h}\" class=\"strip\">");
            foreach (var t in times) strip.Append($"<line x1=\"{F(t / max * (w - 4) + 2)}\" x2=\"{F(t / max * (w - 4) + 2)}\" y1=\"3\" y2=\"{h - 3}\" stroke=\"#4e79a7\" stroke-opacity=\"0.6\"/>");
            strip.Append($"<line x1=\"{F(median / max * (w - 4) + 2)}\" x2=\"{F(median / max * (w - 4) + 2)}\" y1=\"0\" y2=\"{h}\" stroke=\"#333\" stroke-width=\"2\"/></svg>");
            var skewed = stage.Straggler;
            html.Append($"<tr{(skewed ? " class=\"skew\"" : "")}><td>s{stage.Stage}</td><td>{times.Count}</td><td>{median.ToString("0.000", Inv)} s</td><td>{longest.Duration.TotalSeconds.ToString("0.000", Inv)} s</td>")
                .Append($"<td>{ratio.ToString("0.0", Inv)}×{(skewed ? " — skew" : "")}</td><td>{strip}</td>")
                .Append($"<td>{E(longest.AttemptId)}{(longest.Description is { } d ? $": {E(d)}" : "")}</td></tr>");
        }
        html.Append("</table></section>\n");
    }

    /// <summary>Busy slots over time against the slots the pool had.</summary>
    private static void Utilization(StringBuilder html, JobRun run, IReadOnlyList<TaskAttemptRow> attempts)
    {
        html.Append("<section id=\"utilization\"><h2>Slot utilization</h2>");
        if (attempts.Count == 0) { html.Append("</section>\n"); return; }
        var start = attempts.Min(a => a.Started);
        var span = Math.Max(0.001, (attempts.Max(a => a.Ended) - start).TotalSeconds);
        var slots = Math.Max(run.Record?.Slots ?? 0, attempts.Select(a => a.Slot).Distinct().Count());
        var events = attempts.SelectMany(a => new[] { ((a.Started - start).TotalSeconds, 1), ((a.Ended - start).TotalSeconds, -1) })
            .OrderBy(e => e.Item1).ThenBy(e => e.Item2).ToList();
        const int left = 40, plotW = 900, plotH = 120;
        var points = new StringBuilder($"{left},{plotH + 10} ");
        var busy = 0;
        double busySeconds = 0, last = 0;
        foreach (var (t, delta) in events)
        {
            busySeconds += busy * (t - last);
            points.Append($"{F(left + t / span * plotW)},{F(plotH + 10 - busy / (double)slots * plotH)} ");
            busy += delta;
            points.Append($"{F(left + t / span * plotW)},{F(plotH + 10 - busy / (double)slots * plotH)} ");
            last = t;
        }
        points.Append($"{left + plotW},{plotH + 10}");
        var average = busySeconds / span / slots;
        html.Append($"<svg class=\"utilization\" width=\"{left + plotW + 20}\" height=\"{plotH + 30}\" viewBox=\"0 0 {left + plotW + 20} {plotH + 30}\" role=\"img\" aria-label=\"slot utilization\">")
            .Append($"<rect x=\"{left}\" y=\"10\" width=\"{plotW}\" height=\"{plotH}\" fill=\"none\" stroke=\"#ccc\"/>")
            .Append($"<polygon points=\"{points}\" fill=\"#76b7b2\" fill-opacity=\"0.6\" stroke=\"#4e79a7\"/>")
            .Append($"<text x=\"2\" y=\"18\" class=\"axis\">{slots}</text><text x=\"2\" y=\"{plotH + 10}\" class=\"axis\">0</text>")
            .Append($"<text x=\"{left}\" y=\"{plotH + 26}\" class=\"axis\">0 s</text><text x=\"{left + plotW - 40}\" y=\"{plotH + 26}\" class=\"axis\">{span.ToString("0.00", Inv)} s</text></svg>")
            .Append($"<p>{slots} slot{(slots == 1 ? "" : "s")}; busy {(average * 100).ToString("0", Inv)}% of the time tasks ran.</p></section>\n");
    }

    private static void Errors(StringBuilder html, JobRun run)
    {
        var count = run.Record?.ErrorRecords ?? 0;
        html.Append($"<section id=\"errors\"><h2>Error records</h2><p>{count.ToString("N0", Inv)} malformed input row{(count == 1 ? "" : "s")} recorded instead of failing the run.</p>");
        if (count > 0 && run.Record?.ErrorFile is { } file && File.Exists(file))
        {
            html.Append("<table class=\"grid\"><tr><th>sample (first 10)</th></tr>");
            foreach (var line in File.ReadLines(file).Take(10)) html.Append($"<tr><td><code>{E(line)}</code></td></tr>");
            html.Append("</table>");
        }
        html.Append("</section>\n");
    }

    /// <summary>A name cut to fit a box: its first word (what the stage does) and the end of the rest (the folder's own name).</summary>
    private static string Short(string text, int max)
    {
        if (text.Length <= max) return text;
        var space = text.IndexOf(' ');
        var head = space > 0 && space < max / 2 ? text[..(space + 1)] : "";
        return head + "…" + text[^(max - head.Length - 1)..];
    }
    private static string E(string text) => WebUtility.HtmlEncode(text);
    private static string F(double v) => v.ToString("0.##", Inv);

    private const string Style = """
        body{font:14px/1.4 system-ui,-apple-system,Segoe UI,Roboto,sans-serif;margin:24px;color:#222;max-width:1200px}
        h1{font-size:20px}h2{font-size:16px;margin-top:28px;border-bottom:1px solid #ddd}
        table.kv th{text-align:left;padding:2px 16px 2px 0;color:#555;font-weight:normal}
        table.grid{border-collapse:collapse;margin-top:8px}table.grid td,table.grid th{border:1px solid #ddd;padding:3px 8px;text-align:left;vertical-align:top}
        tr.skew td{background:#fff1f0}
        svg text{font:12px system-ui,sans-serif;fill:#333}svg text.b{font-weight:600}svg text.a{fill:#1f5fa8}svg text.axis,svg text.lane{fill:#666;font-size:11px}svg text.straggler-label{fill:#fff;font-size:11px;font-weight:600}
        .legend{color:#666}td.ok{color:#1a7f37}td.bad{color:#c62828;font-weight:600}
        """;
}
