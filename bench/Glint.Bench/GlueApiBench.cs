using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Text;
using System.Text.Json;
using DuckDB.NET.Data;
using Glint.Catalog;
using Glint.Web.Glue;
using Microsoft.Extensions.Hosting;

namespace Glint.Bench;

/// <summary>
/// The Glue API on loopback: requests per second and latency of GetTable and of GetPartitions with an expression on one key over a
/// table of 10,000 partitions, one and four clients at a time; the baseline is the same metastore call made in-process.
/// </summary>
internal static class GlueApiBench
{
    private const string Expression = "k = 4242";

    public static void Run(BenchOptions o, DuckDBConnection duckdb)
    {
        var (_, metastore) = CatalogBench.Prepare(o, duckdb);
        var home = Path.Combine(o.Data, "home");
        var port = FreePort();
        var app = GlueEndpoint.Build(new GlueEndpointOptions(metastore, home, IPAddress.Loopback, port, null));
        app.Start();
        using var http = new HttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = 8 }) { BaseAddress = new Uri($"http://127.0.0.1:{port}") };
        var getTable = """{"DatabaseName":"bench","Name":"partitions_10000"}""";
        var getPartitions = $$"""{"DatabaseName":"bench","TableName":"partitions_10000","Expression":"{{Expression}}"}""";
        var found = JsonDocument.Parse(Call(http, "GetPartitions", getPartitions)).RootElement.GetProperty("Partitions");
        if (found.GetArrayLength() != 1 || found[0].GetProperty("Values")[0].GetString() != "4242")
            throw new InvalidOperationException($"GetPartitions {Expression} answered {found}");

        using var store = Metastores.Open(metastore, home);
        var table = store.FindTable("bench", "partitions_10000")!;
        var inProcessTable = InProcess(2000, () => store.FindTable("bench", "partitions_10000"));
        var inProcessPartitions = InProcess(100, () => CatalogSource.PartitionsWhere(store, table, Expression, "Expression"));
        var listAll = InProcess(100, () => store.Partitions("bench", "partitions_10000"));
        Console.WriteLine($"\n(glue-api) the Glue API on loopback over a table of {store.Partitions("bench", "partitions_10000").Count:N0} partitions");
        Console.WriteLine($"  {"operation",-44} {"clients",8} {"req/s",8} {"p50 ms",8} {"p95 ms",8} {"in-process ms",14}");
        foreach (var clients in new[] { 1, 4 })
        {
            Print("GetTable", clients, Load(http, "GetTable", getTable, 2000, clients), inProcessTable);
            Print($"GetPartitions ({Expression})", clients, Load(http, "GetPartitions", getPartitions, 200, clients), inProcessPartitions);
        }
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  of GetPartitions' in-process time, reading all partitions from the metastore: {Percentile(listAll, 0.5):0.00} ms"));
        app.StopAsync().GetAwaiter().GetResult();
    }

    private static string Call(HttpClient http, string operation, string body)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/") { Content = new StringContent(body, Encoding.UTF8, GlueEndpoint.JsonContentType) };
        request.Headers.Add("X-Amz-Target", "AWSGlue." + operation);
        using var response = http.Send(request);
        var text = new StreamReader(response.Content.ReadAsStream()).ReadToEnd();
        return response.IsSuccessStatusCode ? text : throw new InvalidOperationException($"{operation}: {(int)response.StatusCode} {text}");
    }

    /// <summary>Requests in turn from <paramref name="clients"/> threads after a warm-up: throughput and each request's latency.</summary>
    private static (double PerSecond, List<double> Milliseconds) Load(HttpClient http, string operation, string body, int requests, int clients)
    {
        for (var i = 0; i < 20; i++) Call(http, operation, body);
        var latencies = new List<double>();
        var left = requests;
        var clock = Stopwatch.StartNew();
        var threads = Enumerable.Range(0, clients).Select(_ => new Thread(() =>
        {
            while (Interlocked.Decrement(ref left) >= 0)
            {
                var one = Stopwatch.StartNew();
                Call(http, operation, body);
                lock (latencies) latencies.Add(one.Elapsed.TotalMilliseconds);
            }
        })).ToList();
        threads.ForEach(t => t.Start());
        threads.ForEach(t => t.Join());
        return (requests / clock.Elapsed.TotalSeconds, latencies);
    }

    private static List<double> InProcess(int calls, Action call)
    {
        for (var i = 0; i < 20; i++) call();
        var times = new List<double>();
        for (var i = 0; i < calls; i++)
        {
            var one = Stopwatch.StartNew();
            call();
            times.Add(one.Elapsed.TotalMilliseconds);
        }
        return times;
    }

    private static void Print(string operation, int clients, (double PerSecond, List<double> Milliseconds) load, List<double> inProcess) =>
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"  {operation,-44} {clients,8} {load.PerSecond,8:0} {Percentile(load.Milliseconds, 0.5),8:0.00} {Percentile(load.Milliseconds, 0.95),8:0.00} {Percentile(inProcess, 0.5),14:0.00}"));

    private static double Percentile(List<double> values, double p)
    {
        var sorted = values.Order().ToList();
        return sorted[Math.Min(sorted.Count - 1, (int)Math.Ceiling(p * sorted.Count) - 1)];
    }

    private static int FreePort()
    {
        using var listener = new System.Net.Sockets.TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
