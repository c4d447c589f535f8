using System.Net;
using System.Security.Cryptography;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
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
        var web = new ConsoleContext(options);
        app.MapGet("/", () => web.With((store, jobs) =>
        {
            var runs = jobs.Runs().Take(10).ToList();
            return web.Page("Glint", $"<p>Metastore: {E(store.Description)}</p><h2>Latest runs</h2>{RunPages.RunsTable(runs)}<p><a href=\"/runs\">all runs</a> · <a href=\"/jobs\">jobs</a> · <a href=\"/catalog\">catalog</a></p>");
        }));
        RunPages.Map(app, web);
        JobPages.Map(app, web);
        CatalogPages.Map(app, web);
        StreamPages.Map(app, web);
        return app;
    }
}
