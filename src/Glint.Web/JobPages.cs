using System.Globalization;
using Glint.Jobs;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using static Glint.Web.Html;

namespace Glint.Web;

/// <summary>The jobs pages: the list, one job with its runs, bookmarks and spec, and starting a run (with the token).</summary>
internal static class JobPages
{
    public static void Map(WebApplication app, ConsoleContext web)
    {
        app.MapGet("/jobs", () => web.With((_, jobs) => web.Page("Jobs", Table(["job", "worker type", "workers", "bookmarks", "last run"],
            jobs.Jobs().Select(j =>
            {
                var last = jobs.Runs(j.Name).FirstOrDefault();
                return new[]
                {
                    $"<a href=\"/jobs/{Url(j.Name)}\">{E(j.Name)}</a>", E(j.WorkerType ?? "spec"), E(j.Workers?.ToString(CultureInfo.InvariantCulture) ?? "spec"),
                    E(j.Bookmarks.ToString().ToLowerInvariant()), last is null ? "" : $"<a href=\"/runs/{Url(last.RunId.Value)}\">{E(last.RunId.Value)}</a> {State(last.State)}",
                };
            }), "jobs"))));

        app.MapGet("/jobs/{name}", (string name) => web.With((_, jobs) =>
        {
            var job = jobs.FindJob(name);
            if (job is null) return Results.NotFound($"job '{name}' does not exist");
            var bookmarks = Table(["source", "bookmark", "committed by", "updated"], jobs.Bookmarks(name).Select(b => new[]
            {
                E(b.Source), E(b.State.Keys?.ToString() ?? $"{b.State.Files.Length} file(s) seen"), $"<a href=\"/runs/{Url(b.RunId.Value)}\">{E(b.RunId.Value)}</a>", E(b.Updated.ToString("u", CultureInfo.InvariantCulture)),
            }), "bookmarks");
            var start = $"""
                <form method="post" action="/jobs/{Url(name)}/start" id="start-form">
                  <input type="password" name="token" placeholder="token printed by glint ui" required>
                  <button type="submit">Start a run</button>
                </form>
                """;
            return web.Page($"Job {name}", $"{start}<h2>Runs</h2>{RunPages.RunsTable(jobs.Runs(name))}<h2>Bookmarks</h2>{bookmarks}<h2>Spec</h2><pre>{E(job.Spec)}</pre>");
        }));

        app.MapPost("/jobs/{name}/start", async (string name) =>
        {
            var started = new TaskCompletionSource<JobRun>(TaskCreationOptions.RunContinuationsAsynchronously);
            _ = Task.Run(() =>
            {
                try
                {
                    using var store = web.Open();
                    var runner = new JobRunner(SqlJobStore.Of(store), new Execution.SessionOptions { Metastore = web.Options.Metastore, Home = web.Options.Home });
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
                return Results.Redirect($"/runs/{Url(run.RunId.Value)}");
            }
            catch (Exception e) when (e is Common.GlintException or TimeoutException)
            {
                return Results.Text($"could not start job '{name}': {e.Message}", statusCode: 400);
            }
        }).AddEndpointFilter(new TokenFilter(web.Options.Token, "start a run"));
    }
}
