using System.Globalization;
using Glint.Jobs;
using Glint.Streaming;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using static Glint.Web.Html;

namespace Glint.Web;

/// <summary>The streaming jobs' pages: the jobs started under this Glint home, and one job's status (lag per partition, refreshed live).</summary>
internal static class StreamPages
{
    public static void Map(WebApplication app, ConsoleContext web)
    {
        app.MapGet("/streams", () => web.Page("Streams", Table(["streaming job", "state", "spec"], StreamRunner.Known(web.Options.Home).Select(s => new[]
        {
            $"<a href=\"/streams/{Url(s.Job)}\">{E(s.Job)}</a>", StreamRunner.IsRunning(web.Options.Home, s.Job) ? "running" : "stopped", E(s.Spec ?? ""),
        }), "streams")));

        app.MapGet("/streams/{job}", (string job) =>
        {
            var spec = StreamRunner.Known(web.Options.Home).FirstOrDefault(s => s.Job == job).Spec;
            if (spec is null) return Results.NotFound($"no streaming job '{job}' was started under this Glint home");
            var status = StreamStatuses.Of(JobSpecLoader.Load(spec), new Execution.SessionOptions { Home = web.Options.Home, Metastore = web.Options.Metastore });
            return web.Page($"Stream {job}", Summary(status) + Partitions(status) + $"<h2>Batches</h2>" + web.With((_, jobs) => RunPages.RunsTable(jobs.Runs(job))), refresh: 2);
        });
    }

    private static string Seconds(double? v) => v is { } x ? x.ToString("0.0", CultureInfo.InvariantCulture) + " s" : "-";

    private static string N(long v) => v.ToString("N0", CultureInfo.InvariantCulture);

    private static string Summary(StreamStatus s) => Table(["state", "last batch", "committed", "batch time", "messages", "dead letters", "lag", "oldest uncommitted", "freshness"],
    [[
        s.Running ? $"running (process {s.ProcessId})" : "stopped", s.Batch?.ToString(CultureInfo.InvariantCulture) ?? "-", E(s.LastCommitUtc?.ToString("u", CultureInfo.InvariantCulture) ?? "-"),
        Seconds(s.LastBatchSeconds), N(s.TotalMessages), N(s.TotalDeadLetters), N(s.LagMessages), Seconds(s.LagSeconds), Seconds(s.FreshnessSeconds),
    ]], "stream") + $"<p>checkpoint {E(s.Checkpoint)}</p>";

    private static string Partitions(StreamStatus s) => "<h2>Partitions</h2>" + Table(["partition", "committed", "head", "lag (messages)", "lag (s)"],
        s.Partitions.Select(p => new[] { E(p.Partition), p.Committed.ToString(CultureInfo.InvariantCulture), p.Head.ToString(CultureInfo.InvariantCulture), N(p.LagMessages), Seconds(p.LagSeconds) }),
        "partitions");
}
