using System.Globalization;
using Glint.Common;
using Glint.Jobs;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using static Glint.Web.Html;

namespace Glint.Web;

/// <summary>The runs pages: the filterable list, one run (live while it runs), its report, its JSON, and stopping it (with the token).</summary>
internal static class RunPages
{
    public static void Map(WebApplication app, ConsoleContext web)
    {
        app.MapGet("/runs", (string? job, string? state) => web.With((_, jobs) =>
        {
            var runs = jobs.Runs(string.IsNullOrWhiteSpace(job) ? null : job)
                .Where(r => string.IsNullOrWhiteSpace(state) || r.State.ToString().Equals(state, StringComparison.OrdinalIgnoreCase)).ToList();
            var states = string.Concat(Enum.GetNames<RunState>().Select(s => $"<option{(s.Equals(state, StringComparison.OrdinalIgnoreCase) ? " selected" : "")}>{s.ToUpperInvariant()}</option>"));
            var filter = $"""
                <form method="get" action="/runs" id="filter">job <input name="job" value="{E(job)}"> state <select name="state"><option value="">any</option>{states}</select>
                <button type="submit">Filter</button></form>
                """;
            return web.Page("Runs", filter + RunsTable(runs));
        }));

        app.MapGet("/runs/{id}", (RunId id) => web.With((_, jobs) => Run(web, jobs, id)));

        app.MapGet("/runs/{id}/report", (RunId id) => web.With((_, jobs) =>
        {
            var run = jobs.FindRun(id);
            return run is null ? Results.NotFound($"run '{id}' is not on record")
                : Results.Content(Reports.RunReport.Render(run, jobs.TaskAttempts(id), jobs.Runs(run.Job)), "text/html; charset=utf-8");
        }));

        app.MapGet("/api/runs/{id}", (RunId id) => web.With((_, jobs) =>
        {
            var run = jobs.FindRun(id);
            return run is null ? Results.NotFound() : Results.Json(new { RunId = run.RunId.Value, run.Job, State = run.State.ToString().ToUpperInvariant(), Attempts = jobs.TaskAttempts(id).Count });
        }));

        app.MapPost("/runs/{id}/stop", (RunId id) =>
        {
            try { web.With((_, jobs) => { jobs.RequestStop(id); return 0; }); }
            catch (Common.SpecException e) { return Results.Text(e.Message, statusCode: 400); }
            return Results.Redirect($"/runs/{Url(id.Value)}");
        }).AddEndpointFilter(new TokenFilter(web.Options.Token, "stop a run"));
    }

    /// <summary>One run: its state and cost, its stages (so far, while it runs) and its task attempts; live runs refresh every second.</summary>
    private static IResult Run(ConsoleContext web, IJobStore jobs, RunId id)
    {
        var run = jobs.FindRun(id);
        if (run is null) return Results.NotFound($"run '{id}' is not on record");
        var attempts = jobs.TaskAttempts(id);
        var live = run.State is RunState.Running or RunState.Starting;
        var stages = run.Record?.Stages is { Count: > 0 } s
            ? Table(["stage", "what", "after", "tasks", "rows out", "seconds", "adaptive decisions"], s.Select(st => new[]
            {
                $"s{st.Id}", E(st.Name), E(string.Join(", ", st.DependsOn.Select(d => $"s{d}"))), $"{st.Tasks}", st.RowsOut.ToString("N0", CultureInfo.InvariantCulture),
                st.WallSeconds.ToString("0.000", CultureInfo.InvariantCulture), string.Join("<br>", st.Decisions.Select(E)),
            }), "stages")
            : Table(["stage", "tasks done", "failed attempts", "rows out so far"], attempts.GroupBy(a => a.Stage).OrderBy(g => g.Key).Select(g => new[]
            {
                $"s{g.Key}", g.Count(a => a.Succeeded).ToString(CultureInfo.InvariantCulture), g.Count(a => !a.Succeeded).ToString(CultureInfo.InvariantCulture),
                g.Sum(a => a.RowsOut ?? 0).ToString("N0", CultureInfo.InvariantCulture),
            }), "stages") + (live ? "<p>Stages so far, from the attempts recorded with each heartbeat; the full plan is recorded when the run ends.</p>" : "");
        var tasks = Table(["attempt", "slot", "started", "seconds", "ok", "rows out", "error"], attempts.Select(a => new[]
        {
            E(a.AttemptId), E(a.Slot), E(a.Started.ToString("HH:mm:ss.fff", CultureInfo.InvariantCulture)), a.Duration.TotalSeconds.ToString("0.000", CultureInfo.InvariantCulture),
            a.Succeeded ? "yes" : "no", a.RowsOut?.ToString("N0", CultureInfo.InvariantCulture) ?? "", E(a.Error),
        }), "attempts");
        var quality = run.Record?.Quality is { Count: > 0 } q
            ? "<h2>Data quality</h2>" + Table(["ruleset", "rule", "outcome", "failure reason", "metrics"], q.Select(o => new[]
            {
                E(o.Ruleset), E(o.Rule), E(o.Outcome), E(o.Reason ?? ""),
                E(string.Join(", ", o.Metrics.OrderBy(m => m.Key).Select(m => $"{m.Key}: {m.Value.ToString("0.######", CultureInfo.InvariantCulture)}"))),
            }), "quality")
            : "";
        var stop = live ? $"""
            <form method="post" action="/runs/{Url(id.Value)}/stop"><input type="password" name="token" placeholder="token" required><button type="submit">Stop</button></form>
            """ : "";
        var body = $"<p id=\"run-state\">{State(run.State)} · job <a href=\"/jobs/{Url(run.Job)}\">{E(run.Job)}</a> · started {E(run.Started.ToString("u", CultureInfo.InvariantCulture))}" +
                   (run.Record is { } r ? $" · {r.WallSeconds.ToString("0.00", CultureInfo.InvariantCulture)} s · {r.RowsOut.ToString("N0", CultureInfo.InvariantCulture)} rows out · {r.DpuSeconds.ToString("0.0", CultureInfo.InvariantCulture)} DPU-s · ${r.Cost.ToString("0.0000", CultureInfo.InvariantCulture)}" : "") +
                   (live ? " · <em>live: this page refreshes every second</em>" : "") + "</p>" +
                   (run.Error is { } err ? $"<p class=\"FAILED\">{E(err)}</p>" : "") + stop +
                   (live ? "" : $"<p><a id=\"report-link\" href=\"/runs/{Url(id.Value)}/report\">Run report</a></p>") +
                   $"{quality}<h2>Stages</h2>{stages}<h2>Task attempts ({attempts.Count})</h2>{tasks}";
        return web.Page($"Run {id}", body, live ? 1 : null);
    }

    /// <summary>Runs as a table linking each run and its job.</summary>
    public static string RunsTable(IEnumerable<JobRun> runs) => Table(["run", "job", "attempt", "state", "started", "seconds", "rows out", "DPU-s", "cost"], runs.Select(r => new[]
    {
        $"<a class=\"run-link\" href=\"/runs/{Url(r.RunId.Value)}\">{E(r.RunId.Value)}</a>", $"<a href=\"/jobs/{Url(r.Job)}\">{E(r.Job)}</a>", r.Attempt.ToString(CultureInfo.InvariantCulture), State(r.State),
        E(r.Started.ToString("u", CultureInfo.InvariantCulture)), r.Record?.WallSeconds.ToString("0.00", CultureInfo.InvariantCulture) ?? "",
        r.Record?.RowsOut.ToString("N0", CultureInfo.InvariantCulture) ?? "", r.Record?.DpuSeconds.ToString("0.0", CultureInfo.InvariantCulture) ?? "",
        r.Record is { } c ? "$" + c.Cost.ToString("0.0000", CultureInfo.InvariantCulture) : "",
    }), "runs");
}
