using System.Diagnostics;
using DuckDB.NET.Data;
using Glint.Execution;
using Glint.Jobs;
using Glint.Streaming;
using NATS.Client.Core;
using NATS.Client.JetStream;
using NATS.Client.JetStream.Models;

namespace Glint.Bench;

/// <summary>
/// Scenario stream: a streaming job over a private nats-server (scripts/nats.sh), JSON messages over 8 partitions to
/// Parquet. (1) drain: 1M messages already in the stream, read with available_now: the most messages per second one
/// process commits. (2) sustained: messages published at a fixed rate for a while with a 1 s trigger: end-to-end latency
/// (a batch's commit time minus each message's publish time) p50 and p95, and whether the lag stayed bounded. The
/// meter's DPU-seconds give the cost per million messages. The baseline is plain DuckDB parsing the same JSON lines
/// from one file.
/// </summary>
internal static class StreamBench
{
    private const int Partitions = 8;

    public static void Run(BenchOptions o, DuckDBConnection duckdb)
    {
        var root = Path.Combine(o.Data, "stream");
        if (Directory.Exists(root)) Directory.Delete(root, true);
        Directory.CreateDirectory(root);
        var server = Path.Combine(root, "nats");
        var url = Script("start", server);
        try
        {
            Console.WriteLine($"\n(stream) a streaming job: JSON messages over {Partitions} partitions of a nats-server stream → Parquet, on 1 × local ({Environment.ProcessorCount} slots)");
            Drain(root, url, Math.Min(o.Rows, 1_000_000), duckdb);
            Sustained(root, url, rate: 10_000, TimeSpan.FromSeconds(30));
            Sustained(root, url, rate: 20_000, TimeSpan.FromSeconds(30));
        }
        finally { Script("stop", server); }
    }

    private static void Drain(string root, string url, long messages, DuckDBConnection duckdb)
    {
        var stream = NewStream(url, "drain");
        var clock = Stopwatch.StartNew();
        Publish(url, stream, (int)messages, rate: null);
        Console.WriteLine($"  published {messages:N0} messages in {clock.Elapsed.TotalSeconds:0.0} s");
        var (spec, store, options) = Job(root, url, stream, "drain");
        var batches = new List<BatchResult>();
        clock.Restart();
        new StreamRunner(store, options).Run(spec, (b, _) => batches.Add(b), CancellationToken.None, new TriggerSpec { AvailableNow = true });
        var seconds = clock.Elapsed.TotalSeconds;
        // Plain DuckDB parsing the same payloads from one JSON-lines file into Parquet: the engine's own speed on this work.
        var lines = Path.Combine(root, "drain.json");
        File.WriteAllLines(lines, Enumerable.Range(0, (int)messages).Select(Payload));
        clock.Restart();
        using (var c = duckdb.CreateCommand())
        {
            c.CommandText = $"COPY (SELECT * FROM read_json('{lines}', format='newline_delimited', columns={{'id': 'BIGINT', 'amount': 'DOUBLE', 'customer': 'VARCHAR', 'sent': 'BIGINT'}})) TO '{root}/duckdb.parquet' (FORMAT PARQUET)";
            c.ExecuteNonQuery();
        }
        var duck = clock.Elapsed.TotalSeconds;
        var dpu = batches.Sum(b => b.Summary.DpuSeconds);
        Console.WriteLine($"  drain: {messages:N0} messages in {batches.Count} batches, {seconds:0.00} s = {messages / seconds:N0} messages/s (plain DuckDB parsing the same JSON lines from one file: {duck:0.00} s, ratio {seconds / duck:0.00}×)");
        Console.WriteLine($"  of which reading the stream: {batches.Sum(b => b.Checkpoint.ReadSeconds):0.00} s; running and committing: {batches.Sum(b => b.Checkpoint.Seconds - b.Checkpoint.ReadSeconds):0.00} s");
        Console.WriteLine($"  meter: {dpu:0.0} DPU-s = ${dpu / 3600 * Meter.DollarsPerDpuHour * 1_000_000 / messages:0.0000} per million messages");
    }

    private static void Sustained(string root, string url, int rate, TimeSpan duration)
    {
        var stream = NewStream(url, $"steady{rate}");
        var (spec, store, options) = Job(root, url, stream, $"steady{rate}");
        var batches = new List<BatchResult>();
        var runner = new Thread(() => new StreamRunner(store, options).Run(spec, (b, _) => { lock (batches) batches.Add(b); }, CancellationToken.None));
        runner.Start();
        var total = (int)(rate * duration.TotalSeconds);
        Publish(url, stream, total, rate);
        var deadline = DateTime.UtcNow.AddMinutes(2);
        while (DateTime.UtcNow < deadline && Committed(batches) < total) Thread.Sleep(200);
        StreamRunner.RequestStop(options.Home, spec.Name!);
        runner.Join();
        // Each message's latency: its batch's commit time minus the time it was sent (in the payload).
        using var db = new DuckDBConnection("Data Source=:memory:");
        db.Open();
        using var c = db.CreateCommand();
        var commits = string.Join(" UNION ALL ", batches.Select(b => $"SELECT '{b.Checkpoint.RunId}' AS run, {b.Checkpoint.CommittedUtc.ToUnixTimeMilliseconds()} AS committed"));
        c.CommandText = $"""
            SELECT quantile_cont(committed - sent, 0.5), quantile_cont(committed - sent, 0.95), count(*)
            FROM read_parquet('{root}/out-steady{rate}/**/*.parquet', filename = true) o JOIN ({commits}) b ON contains(o.filename, b.run)
            """;
        using var r = c.ExecuteReader();
        r.Read();
        var dpu = batches.Sum(b => b.Summary.DpuSeconds);
        Console.WriteLine($"  sustained {rate:N0} messages/s for {duration.TotalSeconds:0} s, 1 s trigger: {batches.Count} batches, {Committed(batches):N0} messages committed ({r.GetInt64(2):N0} rows matched to their batch)");
        Console.WriteLine($"  end-to-end latency (commit − send): p50 {r.GetDouble(0) / 1000:0.00} s, p95 {r.GetDouble(1) / 1000:0.00} s; batch time p50 {Median(batches.Select(b => b.Checkpoint.Seconds)):0.00} s");
        Console.WriteLine($"  meter: {dpu:0.0} DPU-s = ${dpu / 3600 * Meter.DollarsPerDpuHour * 1_000_000 / Math.Max(1, Committed(batches)):0.0000} per million messages");
    }

    private static long Committed(List<BatchResult> batches)
    {
        lock (batches) return batches.Sum(b => b.Checkpoint.Messages);
    }

    private static double Median(IEnumerable<double> values)
    {
        var sorted = values.Order().ToList();
        return sorted.Count == 0 ? 0 : sorted[sorted.Count / 2];
    }

    private static string Payload(int i) =>
        $"{{\"id\": {i}, \"amount\": {i % 977}.25, \"customer\": \"c{i % 13}\", \"sent\": {DateTimeOffset.UtcNow.ToUnixTimeMilliseconds()}}}";

    private static (JobSpec, IJobStore, SessionOptions) Job(string root, string url, string stream, string name)
    {
        var spec = JobSpecLoader.Parse($$"""
            name: bench-{{name}}
            type: streaming
            trigger: { interval: 1s }
            checkpoint: {{root}}/checkpoint-{{name}}
            dead_letter: { path: {{root}}/dead-{{name}} }
            sources:
              orders:
                nats: { url: "{{url}}", stream: {{stream}}, max_messages_per_partition: 50000 }
                format: json
                options: { schema: "id BIGINT, amount DOUBLE, customer VARCHAR, sent BIGINT" }
            targets:
              - { from: orders, path: {{root}}/out-{{name}}, format: parquet }
            """, root);
        var options = new SessionOptions { Home = Path.Combine(root, "home-" + name) };
        var metastore = Catalog.Metastores.Open(null, options.Home);
        return (spec, SqlJobStore.Of(metastore), options);
    }

    private static string NewStream(string url, string name)
    {
        var connection = new NatsConnection(new NatsOpts { Url = url });
        new NatsJSContext(connection).CreateStreamAsync(new StreamConfig(name, [name + ".*"])).AsTask().GetAwaiter().GetResult();
        connection.DisposeAsync().AsTask().GetAwaiter().GetResult();
        return name;
    }

    /// <summary>Publishes messages round-robin over the partitions, as fast as acknowledgements allow or at a fixed rate.</summary>
    private static void Publish(string url, string stream, int count, int? rate)
    {
        var connection = new NatsConnection(new NatsOpts { Url = url });
        var js = new NatsJSContext(connection);
        var clock = Stopwatch.StartNew();
        var pending = new List<Task<PubAckResponse>>();
        for (var i = 0; i < count; i++)
        {
            if (rate is { } r && i % 200 == 0)
            {
                var due = TimeSpan.FromSeconds((double)i / r);
                if (due > clock.Elapsed) Thread.Sleep(due - clock.Elapsed);
            }
            pending.Add(js.PublishAsync($"{stream}.{i % Partitions}", System.Text.Encoding.UTF8.GetBytes(Payload(i))).AsTask());
            if (pending.Count == 2000)
            {
                Task.WaitAll([.. pending]);
                pending.Clear();
            }
        }
        Task.WaitAll([.. pending]);
        connection.DisposeAsync().AsTask().GetAwaiter().GetResult();
    }

    private static string Script(string command, string folder)
    {
        var info = new ProcessStartInfo("bash", [Path.GetFullPath("scripts/nats.sh"), command, folder]) { RedirectStandardOutput = true };
        using var process = Process.Start(info)!;
        var output = process.StandardOutput.ReadToEnd().Trim();
        process.WaitForExit();
        if (process.ExitCode != 0) throw new InvalidOperationException($"scripts/nats.sh {command} failed");
        return output;
    }
}
