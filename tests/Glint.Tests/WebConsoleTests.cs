using System.Diagnostics;
using System.Net;
using System.Text.RegularExpressions;
using Glint.Common;
using Glint.Jobs;
using Glint.Tests.Support;
using Microsoft.Playwright;

namespace Glint.Tests;

/// <summary>
/// The web console and the run report as a person uses them: Debian's Chromium, headless, driven by
/// Playwright, against a real <c>glint ui</c> process over a metastore with recorded runs.
/// </summary>
[Trait("needs", "chromium")]
public sealed class WebConsoleTests
{
    private static string Chromium =>
        Environment.GetEnvironmentVariable("GLINT_TEST_CHROMIUM") is { Length: > 0 } path ? path
        : File.Exists("/usr/bin/chromium") ? "/usr/bin/chromium"
        : throw new InvalidOperationException("GLINT_TEST_CHROMIUM is not set: run the tests with ./test.sh, which installs Debian's chromium (scripts/chromium.sh)");

    private static async Task<IBrowser> Browser(IPlaywright playwright) =>
        await playwright.Chromium.LaunchAsync(new() { ExecutablePath = Chromium, Headless = true, Args = ["--no-sandbox"] });

    /// <summary>A job over a few Parquet files with a shuffle, created and run once through the CLI.</summary>
    private static string Setup(TempFolder dir)
    {
        Directory.CreateDirectory(dir["in"]);
        for (var f = 0; f < 6; f++)
            Reference.Execute($"COPY (SELECT {f} * 20000 + range AS id, hash(range, {f}) % 40 AS k FROM range(20000)) TO '{dir[$"in/part-{f}.parquet"]}' (FORMAT PARQUET)");
        File.WriteAllText(dir["job.yaml"], """
            name: counts
            settings: { min_partitions: 6, shuffle_partitions: 8, local_exchange: files }   # two stages that run, for the report's graph
            sources:
              src: { path: in }
            transforms:
              - { name: t, from: src, group_by: [k], agg: ["count(*) AS n"] }
            targets:
              - { from: t, path: out, mode: overwrite }
            """);
        Assert.Equal(0, GlintCli.Run(dir["home"], "job", "create", "counts", "--spec", dir["job.yaml"]).ExitCode);
        var run = GlintCli.Run(dir["home"], "job", "start", "counts");
        Assert.True(run.ExitCode == 0, run.All);
        return Regex.Match(run.Output, @"run-\d{8}-\d{6}-[0-9a-f]{6}").Value;
    }

    /// <summary>A running <c>glint ui</c> on a free port: its address and the token it printed.</summary>
    private sealed class Console : IDisposable
    {
        private readonly Process process;

        public Console(string home)
        {
            var port = Ports.Free();
            process = GlintCli.Start(home, ["ui", "--port", port.ToString(System.Globalization.CultureInfo.InvariantCulture)]);
            try
            {
                Url = process.StandardOutput.ReadLine()?.Split(" at ").Last() ?? throw new InvalidOperationException("glint ui printed nothing");
                Token = process.StandardOutput.ReadLine()?.Split(": ").Last() ?? "";
                _ = process.StandardOutput.ReadToEndAsync(); // keep draining what it prints
                process.BeginErrorReadLine();
            }
            catch
            {
                Dispose(); // no server left behind when the test cannot use it
                throw;
            }
        }

        public string Url { get; }
        public string Token { get; }

        public void Dispose()
        {
            process.Kill(entireProcessTree: true);
            process.WaitForExit();
            process.Dispose();
        }
    }

    [Fact]
    public async Task The_console_answers_only_to_its_own_host_sends_security_headers_and_names_what_is_missing()
    {
        using var dir = new TempFolder("web-guard");
        Directory.CreateDirectory(dir["home"]);
        using var console = new Console(dir["home"]);
        using var http = new HttpClient();
        using var home = await http.GetAsync(console.Url);
        Assert.Equal(HttpStatusCode.OK, home.StatusCode);
        Assert.Equal("DENY", home.Headers.GetValues("X-Frame-Options").Single());
        Assert.Equal("nosniff", home.Headers.GetValues("X-Content-Type-Options").Single());
        Assert.Contains("frame-ancestors 'none'", home.Headers.GetValues("Content-Security-Policy").Single());

        // DNS rebinding: a page of evil.example whose name now points here must not read the console.
        using var rebound = new HttpRequestMessage(HttpMethod.Get, console.Url) { Headers = { Host = "evil.example" } };
        using var refused = await http.SendAsync(rebound);
        Assert.Equal(HttpStatusCode.MisdirectedRequest, refused.StatusCode);
        Assert.Contains("not 'evil.example'", await refused.Content.ReadAsStringAsync());
        using var local = new HttpRequestMessage(HttpMethod.Get, console.Url) { Headers = { Host = "localhost" } };
        Assert.Equal(HttpStatusCode.OK, (await http.SendAsync(local)).StatusCode);

        using var missing = await http.GetAsync(console.Url + "catalog/nope");
        Assert.Equal(HttpStatusCode.NotFound, missing.StatusCode);
        Assert.Contains("database 'nope' does not exist", await missing.Content.ReadAsStringAsync());
    }

    [Fact]
    [Trait("needs", "nats")]
    public async Task The_streams_page_shows_a_streaming_job_with_its_lag_per_partition_and_its_batches()
    {
        using var dir = new TempFolder("web-stream");
        await using var stream = new NatsStreams(3);
        await stream.Publish([.. Enumerable.Range(0, 300).Select(i => NatsStreams.Utf8($"{{\"id\": {i}}}"))]);
        File.WriteAllText(dir["stream.yaml"], $$"""
            name: clicks
            type: streaming
            checkpoint: {{dir["checkpoint"]}}
            sources:
              clicks:
                nats: { url: "{{NatsStreams.Url}}", stream: {{stream.Name}} }
                format: json
                options: { schema: "id BIGINT" }
            targets:
              - { from: clicks, path: {{dir["out"]}} }
            """);
        var run = GlintCli.Run(dir["home"], "stream", "start", dir["stream.yaml"], "--once");
        Assert.True(run.ExitCode == 0, run.All);
        await stream.Publish([.. Enumerable.Range(300, 30).Select(i => NatsStreams.Utf8($"{{\"id\": {i}}}"))], 300);
        using var console = new Console(dir["home"]);
        using var playwright = await Playwright.CreateAsync();
        await using var browser = await Browser(playwright);
        var page = await browser.NewPageAsync();
        await page.GotoAsync(console.Url);
        await page.ClickAsync("nav >> text=Streams");
        await page.ClickAsync("#streams a:text('clicks')");
        Assert.Contains("stopped", await page.InnerTextAsync("#stream"));
        Assert.Contains("300", await page.InnerTextAsync("#stream")); // messages committed
        Assert.Equal(3, await page.Locator("#partitions tr").CountAsync() - 1);
        var lags = await page.Locator("#partitions tr td:nth-child(4)").AllInnerTextsAsync();
        Assert.Equal(30, lags.Sum(l => int.Parse(l, System.Globalization.CultureInfo.InvariantCulture)));
        Assert.Contains("SUCCEEDED", await page.InnerTextAsync("body"));
    }

    [Fact]
    public async Task Find_a_run_open_its_report_and_start_a_job_with_the_token()
    {
        using var dir = new TempFolder("web");
        var runId = Setup(dir);
        int attempts;
        using (var store = SqlJobStore.Open(dir["home/metastore.db"], dir.Path))
            attempts = store.TaskAttempts(new RunId(runId)).Count;
        using var console = new Console(dir["home"]);
        Assert.StartsWith("http://127.0.0.1:", console.Url);

        using var playwright = await Playwright.CreateAsync();
        await using var browser = await Browser(playwright);
        var page = await browser.NewPageAsync();
        await page.GotoAsync(console.Url);
        await page.ClickAsync("nav >> text=Runs");
        await page.SelectOptionAsync("#filter select[name=state]", "SUCCEEDED");
        await page.ClickAsync("#filter button");
        await page.ClickAsync($"a.run-link:text('{runId}')");
        Assert.Contains("SUCCEEDED", await page.InnerTextAsync("#run-state"));
        Assert.Equal(attempts, await page.Locator("#attempts tr").CountAsync() - 1);

        // The report: one bar per task attempt of the run, as the metastore has them.
        await page.ClickAsync("#report-link");
        Assert.Equal(attempts, await page.Locator("svg.timeline rect.task-bar").CountAsync());
        Assert.Equal(2, await page.Locator("svg.dag g.stage").CountAsync());
        // A wide stage graph scrolls inside the page instead of being cut off; edges are paths, the seconds columns say which seconds.
        Assert.Equal("auto", await page.EvalOnSelectorAsync<string>("div.dag-wrap", "e => getComputedStyle(e).overflowX"));
        Assert.True(await page.Locator("svg.dag path[marker-end]").CountAsync() >= 1);
        Assert.Equal(1, await page.Locator("#stages th:text('wall (s)')").CountAsync());

        // Starting a run needs the token: without it the console refuses; with it the run starts and is watched to the end.
        using var http = new HttpClient();
        var refused = await http.PostAsync($"{console.Url}jobs/counts/start", new FormUrlEncodedContent([]));
        Assert.Equal(HttpStatusCode.Forbidden, refused.StatusCode);
        var wrong = await http.PostAsync($"{console.Url}jobs/counts/start", new FormUrlEncodedContent([new("token", "not-the-token")]));
        Assert.Equal(HttpStatusCode.Forbidden, wrong.StatusCode);

        await page.GotoAsync($"{console.Url}jobs/counts");
        await page.FillAsync("#start-form input[name=token]", console.Token);
        await page.ClickAsync("#start-form button");
        await page.WaitForURLAsync(new Regex("/runs/run-"));
        var started = page.Url.Split("/runs/").Last();
        Assert.NotEqual(runId, started);
        await page.WaitForSelectorAsync("#run-state .SUCCEEDED", new() { Timeout = 90_000 }); // the page refreshes while the run goes
        using var check = SqlJobStore.Open(dir["home/metastore.db"], dir.Path);
        Assert.Equal(Jobs.RunState.Succeeded, check.FindRun(new RunId(started))!.State);
    }

    [Fact]
    public async Task The_report_file_opens_with_the_network_off()
    {
        using var dir = new TempFolder("web-report");
        var runId = Setup(dir);
        var report = GlintCli.Run(dir["home"], "report", runId, "-o", dir["report.html"]);
        Assert.True(report.ExitCode == 0, report.All);
        var html = File.ReadAllText(dir["report.html"]);
        Assert.DoesNotMatch("(src|href)=\"(https?:)?//", html); // nothing is fetched from anywhere

        using var playwright = await Playwright.CreateAsync();
        await using var browser = await Browser(playwright);
        await using var context = await browser.NewContextAsync(new() { Offline = true });
        var page = await context.NewPageAsync();
        var failed = new List<string>();
        page.RequestFailed += (_, r) => failed.Add(r.Url);
        await page.GotoAsync(new Uri(dir["report.html"]).AbsoluteUri);
        int attempts;
        using (var store = SqlJobStore.Open(dir["home/metastore.db"], dir.Path))
            attempts = store.TaskAttempts(new RunId(runId)).Count;
        Assert.Equal(attempts, await page.Locator("svg.timeline rect.task-bar").CountAsync());
        Assert.True(await page.Locator("svg.timeline").IsVisibleAsync());
        Assert.Contains("SUCCEEDED", await page.InnerTextAsync("#summary"));
        Assert.Empty(failed);
    }
}
