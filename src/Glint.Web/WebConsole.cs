using System.Globalization;
using System.Net;
using System.Security.Cryptography;
using Glint.Catalog;
using Glint.Jobs;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using static Glint.Web.Html;

namespace Glint.Web;

/// <summary>What <c>glint ui</c> serves and where.</summary>
/// <param name="Bind">the address to listen on; loopback unless configured</param>
public sealed record WebConsoleOptions(string? Metastore, string Home, IPAddress Bind, int Port, string Token);

/// <summary>
/// A small web app over the metastore: jobs, runs (filterable by job and state), a live view of a
/// running run, run reports, the catalog and bookmarks. It only reads, except starting a job run and
/// stopping one, which need the token printed at start-up.
/// </summary>
public static class WebConsole
{
    public const string TokenHeader = "X-Glint-Token";

    public static string NewToken() => Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16));

    public static WebApplication Build(WebConsoleOptions options)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(k => k.Listen(options.Bind, options.Port));
        var app = builder.Build();
        ConsoleGuard.Use(app, options.Bind);
        IMetastore Open() => Metastores.Open(options.Metastore, options.Home);
        IResult Page(string title, string body, int? refresh = null) => Results.Content(Html.Page(title, body, refresh), "text/html; charset=utf-8");

        T With<T>(Func<IMetastore, IJobStore, T> read)
        {
            using var store = Open();
            var jobs = SqlJobStore.Of(store);
            return read(store, jobs);
        }

        app.MapGet("/", () => With((store, jobs) =>
        {
            var runs = jobs.Runs().Take(10).ToList();
            return Page("Glint", $"<p>Metastore: {E(store.Description)}</p><h2>Latest runs</h2>{RunsTable(runs)}<p><a href=\"/runs\">all runs</a> · <a href=\"/jobs\">jobs</a> · <a href=\"/catalog\">catalog</a></p>");
        }));

        app.MapGet("/jobs", () => With((_, jobs) => Page("Jobs", Table(["job", "worker type", "workers", "bookmarks", "last run"],
            jobs.Jobs().Select(j =>
            {
                var last = jobs.Runs(j.Name).FirstOrDefault();
                return new[]
                {
                    $"<a href=\"/jobs/{Url(j.Name)}\">{E(j.Name)}</a>", E(j.WorkerType ?? "spec"), E(j.Workers?.ToString(CultureInfo.InvariantCulture) ?? "spec"),
                    E(j.Bookmarks.ToString().ToLowerInvariant()), last is null ? "" : $"<a href=\"/runs/{Url(last.RunId)}\">{E(last.RunId)}</a> {State(last.State)}",
                };
            }), "jobs"))));

        app.MapGet("/jobs/{name}", (string name) => With((_, jobs) =>
        {
            var job = jobs.FindJob(name);
            if (job is null) return Results.NotFound($"job '{name}' does not exist");
            var bookmarks = Table(["source", "bookmark", "committed by", "updated"], jobs.Bookmarks(name).Select(b => new[]
            {
                E(b.Source), E(b.State.Keys?.ToString() ?? $"{b.State.Files.Length} file(s) seen"), $"<a href=\"/runs/{Url(b.RunId)}\">{E(b.RunId)}</a>", E(b.Updated.ToString("u", CultureInfo.InvariantCulture)),
            }), "bookmarks");
            var start = $"""
                <form method="post" action="/jobs/{Url(name)}/start" id="start-form">
                  <input type="password" name="token" placeholder="token printed by glint ui" required>
                  <button type="submit">Start a run</button>
                </form>
                """;
            return Page($"Job {name}", $"{start}<h2>Runs</h2>{RunsTable(jobs.Runs(name))}<h2>Bookmarks</h2>{bookmarks}<h2>Spec</h2><pre>{E(job.Spec)}</pre>");
        }));

        app.MapPost("/jobs/{name}/start", async (string name, HttpRequest request) =>
        {
            if (!await Authorized(request, options.Token)) return Results.Text("a valid token is needed to start a run", statusCode: 403);
            var started = new TaskCompletionSource<JobRun>(TaskCreationOptions.RunContinuationsAsynchronously);
            _ = Task.Run(() =>
            {
                try
                {
                    using var store = Open();
                    var runner = new JobRunner(SqlJobStore.Of(store), new Execution.SessionOptions { Metastore = options.Metastore, Home = options.Home });
                    runner.Start(name, new Dictionary<string, string>(), CancellationToken.None, started: r => started.TrySetResult(r));
                }
                catch (Exception e)
                {
                    started.TrySetException(e);
                }
            });
            try
            {
                var run = await started.Task.WaitAsync(TimeSpan.FromSeconds(30));
                return Results.Redirect($"/runs/{Url(run.RunId)}");
            }
            catch (Exception e) when (e is Common.GlintException or TimeoutException)
            {
                return Results.Text($"could not start job '{name}': {e.Message}", statusCode: 400);
            }
        });

        app.MapPost("/runs/{id}/stop", async (string id, HttpRequest request) =>
        {
            if (!await Authorized(request, options.Token)) return Results.Text("a valid token is needed to stop a run", statusCode: 403);
            try { With((_, jobs) => { jobs.RequestStop(id); return 0; }); }
            catch (Common.SpecException e) { return Results.Text(e.Message, statusCode: 400); }
            return Results.Redirect($"/runs/{Url(id)}");
        });

        app.MapGet("/runs", (string? job, string? state) => With((_, jobs) =>
        {
            var runs = jobs.Runs(string.IsNullOrWhiteSpace(job) ? null : job)
                .Where(r => string.IsNullOrWhiteSpace(state) || r.State.ToString().Equals(state, StringComparison.OrdinalIgnoreCase)).ToList();
            var states = string.Concat(Enum.GetNames<RunState>().Select(s => $"<option{(s.Equals(state, StringComparison.OrdinalIgnoreCase) ? " selected" : "")}>{s.ToUpperInvariant()}</option>"));
            var filter = $"""
                <form method="get" action="/runs" id="filter">job <input name="job" value="{E(job)}"> state <select name="state"><option value="">any</option>{states}</select>
                <button type="submit">Filter</button></form>
                """;
            return Page("Runs", filter + RunsTable(runs));
        }));

        app.MapGet("/runs/{id}", (string id) => With((_, jobs) =>
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
            var stop = live ? $"""
                <form method="post" action="/runs/{Url(id)}/stop"><input type="password" name="token" placeholder="token" required><button type="submit">Stop</button></form>
                """ : "";
            var body = $"<p id=\"run-state\">{State(run.State)} · job <a href=\"/jobs/{Url(run.Job)}\">{E(run.Job)}</a> · started {E(run.Started.ToString("u", CultureInfo.InvariantCulture))}" +
                       (run.Record is { } r ? $" · {r.WallSeconds.ToString("0.00", CultureInfo.InvariantCulture)} s · {r.RowsOut.ToString("N0", CultureInfo.InvariantCulture)} rows out · {r.DpuSeconds.ToString("0.0", CultureInfo.InvariantCulture)} DPU-s · ${r.Cost.ToString("0.0000", CultureInfo.InvariantCulture)}" : "") +
                       (live ? " · <em>live: this page refreshes every second</em>" : "") + "</p>" +
                       (run.Error is { } err ? $"<p class=\"FAILED\">{E(err)}</p>" : "") + stop +
                       (live ? "" : $"<p><a id=\"report-link\" href=\"/runs/{Url(id)}/report\">Run report</a></p>") +
                       $"<h2>Stages</h2>{stages}<h2>Task attempts ({attempts.Count})</h2>{tasks}";
            return Page($"Run {id}", body, live ? 1 : null);
        }));

        app.MapGet("/runs/{id}/report", (string id) => With((_, jobs) =>
        {
            var run = jobs.FindRun(id);
            return run is null ? Results.NotFound($"run '{id}' is not on record")
                : Results.Content(Reports.RunReport.Render(run, jobs.TaskAttempts(id)), "text/html; charset=utf-8");
        }));

        app.MapGet("/api/runs/{id}", (string id) => With((_, jobs) =>
        {
            var run = jobs.FindRun(id);
            return run is null ? Results.NotFound() : Results.Json(new { run.RunId, run.Job, State = run.State.ToString().ToUpperInvariant(), Attempts = jobs.TaskAttempts(id).Count });
        }));

        app.MapGet("/catalog", () => With((store, _) => Page("Catalog", Table(["database", "description", "tables"], store.Databases().Select(d => new[]
        {
            $"<a href=\"/catalog/{Url(d.Name)}\">{E(d.Name)}</a>", E(d.Description), store.Tables(d.Name).Count.ToString(CultureInfo.InvariantCulture),
        }), "databases"))));

        app.MapGet("/catalog/{db}", (string db) => With((store, _) => !store.Databases().Any(d => d.Name == db)
            ? Results.Text($"database '{db}' does not exist in the catalog ({store.Description})", statusCode: 404)
            : Page($"Database {db}", Table(["table", "format", "location", "columns", "partition keys", "version"],
            store.Tables(db).Select(t => new[]
            {
                $"<a href=\"/catalog/{Url(db)}/{Url(t.Name)}\">{E(t.Name)}</a>", E(t.Definition.Format), E(t.Definition.Location), t.Definition.Columns.Length.ToString(CultureInfo.InvariantCulture),
                E(string.Join(", ", t.Definition.PartitionKeys.Select(k => k.Name))), t.Version.ToString(CultureInfo.InvariantCulture),
            }), "tables"))));

        app.MapGet("/catalog/{db}/{table}", (string db, string table) => With((store, _) =>
        {
            var t = store.FindTable(db, table);
            if (t is null) return Results.NotFound($"table {db}.{table} does not exist");
            var columns = Table(["column", "type", "comment"], t.Definition.Columns.Concat(t.Definition.PartitionKeys).Select(c => new[] { E(c.Name), E(c.Type), E(c.Comment) }), "columns");
            var partitions = Table(["values", "location", "files", "bytes", "rows", "state"], store.Partitions(db, table).Select(p => new[]
            {
                E(string.Join(", ", p.Values.Select(v => v ?? "NULL"))), E(p.Location), p.FileCount.ToString(CultureInfo.InvariantCulture), E(Common.Bytes.Format(p.Bytes)),
                p.Rows?.ToString("N0", CultureInfo.InvariantCulture) ?? "", E(p.State.ToString()),
            }), "partitions");
            var versions = Table(["version", "columns", "created"], store.Versions(db, table).Select(v => new[]
            {
                v.Version.ToString(CultureInfo.InvariantCulture), E(string.Join(", ", v.Definition.Columns.Select(c => $"{c.Name} {c.Type}"))), E(v.Created.ToString("u", CultureInfo.InvariantCulture)),
            }), "versions");
            return Page($"Table {db}.{table}", $"<p>{E(t.Definition.Format)} at {E(t.Definition.Location)}</p><h2>Columns</h2>{columns}<h2>Partitions</h2>{partitions}<h2>Versions</h2>{versions}");
        }));

        return app;
    }

    private static string RunsTable(IEnumerable<JobRun> runs) => Table(["run", "job", "attempt", "state", "started", "seconds", "rows out", "DPU-s", "cost"], runs.Select(r => new[]
    {
        $"<a class=\"run-link\" href=\"/runs/{Url(r.RunId)}\">{E(r.RunId)}</a>", $"<a href=\"/jobs/{Url(r.Job)}\">{E(r.Job)}</a>", r.Attempt.ToString(CultureInfo.InvariantCulture), State(r.State),
        E(r.Started.ToString("u", CultureInfo.InvariantCulture)), r.Record?.WallSeconds.ToString("0.00", CultureInfo.InvariantCulture) ?? "",
        r.Record?.RowsOut.ToString("N0", CultureInfo.InvariantCulture) ?? "", r.Record?.DpuSeconds.ToString("0.0", CultureInfo.InvariantCulture) ?? "",
        r.Record is { } c ? "$" + c.Cost.ToString("0.0000", CultureInfo.InvariantCulture) : "",
    }), "runs");

    /// <summary>The token from the X-Glint-Token header or a form field, compared in constant time.</summary>
    private static async Task<bool> Authorized(HttpRequest request, string token)
    {
        string? given = request.Headers[TokenHeader];
        if (given is null && request.HasFormContentType) given = (await request.ReadFormAsync())["token"];
        return given is not null && CryptographicOperations.FixedTimeEquals(System.Text.Encoding.UTF8.GetBytes(given), System.Text.Encoding.UTF8.GetBytes(token));
    }
}
