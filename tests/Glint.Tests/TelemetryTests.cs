using System.Net;
using System.Text;
using System.Text.RegularExpressions;
using Glint.Tests.Support;

namespace Glint.Tests;

/// <summary>Traces and metrics reach an OTLP endpoint when one is configured, carrying the run id; nothing is sent otherwise.</summary>
public sealed class TelemetryTests
{
    /// <summary>A stand-in OTLP/HTTP collector on loopback: it keeps what each path received.</summary>
    private sealed class Collector : IDisposable
    {
        private readonly HttpListener listener = new();
        private readonly Task loop;
        public readonly List<(string Path, byte[] Body)> Received = [];

        public Collector()
        {
            Port = Ports.Free();
            listener.Prefixes.Add($"http://127.0.0.1:{Port}/");
            listener.Start();
            loop = Task.Run(async () =>
            {
                while (listener.IsListening)
                {
                    HttpListenerContext context;
                    try { context = await listener.GetContextAsync(); } catch (Exception) { return; }
                    using var body = new MemoryStream();
                    await context.Request.InputStream.CopyToAsync(body);
                    lock (Received) Received.Add((context.Request.Url!.AbsolutePath, body.ToArray()));
                    context.Response.StatusCode = 200;
                    context.Response.ContentType = "application/x-protobuf";
                    context.Response.Close();
                }
            });
        }

        public int Port { get; }

        public bool Has(string path, string text)
        {
            var bytes = Encoding.UTF8.GetBytes(text);
            lock (Received) return Received.Any(r => r.Path == path && r.Body.AsSpan().IndexOf(bytes) >= 0);
        }

        public void Dispose()
        {
            listener.Stop();
            listener.Close();
            try { loop.Wait(5000); } catch (AggregateException) { }
        }
    }

    [Fact]
    public void A_run_exports_its_spans_and_metrics_with_the_run_id_to_an_OTLP_endpoint()
    {
        using var dir = new TempFolder("otel");
        Directory.CreateDirectory(dir["in"]);
        for (var f = 0; f < 3; f++)
            Reference.Execute($"COPY (SELECT range AS id, range % 7 AS k FROM range(1000)) TO '{dir[$"in/part-{f}.parquet"]}' (FORMAT PARQUET)");
        File.WriteAllText(dir["job.yaml"], $$"""
            name: otel
            sources: { src: { path: in } }
            transforms:
              - { name: t, from: src, group_by: [k], agg: ["count(*) AS n"] }
            targets:
              - { from: t, path: {{dir["out"]}}, mode: overwrite }
            """);
        using var collector = new Collector();
        var run = GlintCli.Run(dir["home"], ["run", dir["job.yaml"]], new Dictionary<string, string>
        {
            ["OTEL_EXPORTER_OTLP_ENDPOINT"] = $"http://127.0.0.1:{collector.Port}",
            ["OTEL_EXPORTER_OTLP_PROTOCOL"] = "http/protobuf",
        });
        Assert.True(run.ExitCode == 0, run.All);
        var runId = Regex.Match(run.Output, @"run-\d{8}-\d{6}-[0-9a-f]{6}").Value;
        Assert.True(collector.Has("/v1/traces", "glint.task"), "no task span arrived");
        Assert.True(collector.Has("/v1/traces", "glint.run"), "no run span arrived");
        Assert.True(collector.Has("/v1/traces", runId), "spans do not carry the run id");
        Assert.True(collector.Has("/v1/metrics", "glint.task.duration"), "no task metrics arrived");
        Assert.True(collector.Has("/v1/metrics", runId), "metrics do not carry the run id");
        // The plain progress lines start with the run id too.
        Assert.Matches($@"{runId} stage s\d", run.Output);

        // Without an endpoint nothing is sent.
        var count = collector.Received.Count;
        Assert.Equal(0, GlintCli.Run(dir["home"], "run", dir["job.yaml"]).ExitCode);
        Assert.Equal(count, collector.Received.Count);
    }
}
