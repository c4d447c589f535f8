using Glint.Tests.Support;

namespace Glint.Tests.Streaming;

/// <summary>Streaming jobs against a real nats-server: batches, dead letters, checkpoints, status and reset, through the glint command.</summary>
[Trait("needs", "nats")]
public sealed class StreamingJobTests
{
    private static string Spec(TempFolder dir, NatsStreams stream, string extra = "") => $$"""
        name: orders-stream
        type: streaming
        trigger: { interval: 1s }
        checkpoint: {{dir["checkpoint"]}}
        dead_letter: { path: {{dir["dead"]}} }
        sources:
          orders:
            nats: { url: "{{NatsStreams.Url}}", stream: {{stream.Name}} }
            format: json
            options: { schema: "id BIGINT, amount DOUBLE, customer VARCHAR" }
        transforms:
          - { name: kept, from: orders, select: [id, amount, customer, _partition, _sequence] }
        targets:
          - { from: kept, path: {{dir["out"]}}, format: parquet }
        {{extra}}
        """;

    [Fact]
    public async Task Available_now_writes_every_valid_message_once_and_every_malformed_one_to_the_dead_letters()
    {
        using var dir = new TempFolder("stream-basic");
        await using var stream = new NatsStreams(4);
        var payloads = Enumerable.Range(0, 1000).Select(i => NatsStreams.Utf8(i % 100 == 7 ? "{not json" : i % 100 == 8 ? $$"""{"id": "x{{i}}"}""" : $$"""{"id": {{i}}, "amount": {{i}}.5, "customer": "c{{i % 7}}"}""")).ToList();
        await stream.Publish(payloads);
        File.WriteAllText(dir["job.yaml"], Spec(dir, stream));
        var run = GlintCli.Run(dir["home"], "stream", "start", dir["job.yaml"], "--available-now");
        Assert.True(run.ExitCode == 0, run.All);
        var rows = Reference.Query($"SELECT count(*), count(DISTINCT id), sum(id) FROM read_parquet('{dir["out"]}/**/*.parquet')")[0];
        Assert.Equal(980L, Convert.ToInt64(rows[0]));
        Assert.Equal(980L, Convert.ToInt64(rows[1]));
        var dead = Reference.Query($$"""
            SELECT count(*) FILTER (reason = 'malformed JSON' AND payload = '{not json' AND from_base64(payload_base64) = encode(payload)),
                   count(*) FILTER (json_valid(payload) AND reason = 'column ''id'': ''' || json_extract_string(CASE WHEN json_valid(payload) THEN payload END, '$.id') || ''' is not BIGINT'),
                   count(*), count(DISTINCT partition || ':' || sequence)
            FROM read_parquet('{{dir["dead"]}}/**/*.parquet')
            """)[0];
        Assert.Equal([10L, 10L, 20L, 20L], dead.Select(v => Convert.ToInt64(v)));
        var status = GlintCli.Run(dir["home"], "stream", "status", dir["job.yaml"], "--json");
        Assert.True(status.ExitCode == 0, status.All);
        Assert.Contains("\"lag_messages\":0", status.Output);
        Assert.Contains("\"messages\":1000", status.Output);
        Assert.Contains("\"dead_letters\":20", status.Output);
    }

    private static async Task<NatsStreams> Published(int partitions, int count, Func<int, string> payload, int from = 0)
    {
        var stream = new NatsStreams(partitions);
        await stream.Publish([.. Enumerable.Range(from, count).Select(i => NatsStreams.Utf8(payload(i)))]);
        return stream;
    }

    private static string Good(int i) => $$"""{"id": {{i}}, "amount": 1.5, "customer": "c"}""";

    private static long Rows(string folder) => Convert.ToInt64(Reference.Query($"SELECT count(*) FROM read_parquet('{folder}/**/*.parquet')")[0][0]);

    [Fact]
    public async Task A_lost_checkpoint_is_an_error_naming_it_and_reset_chooses_where_to_resume()
    {
        using var dir = new TempFolder("stream-lost");
        await using var stream = await Published(2, 100, Good);
        File.WriteAllText(dir["job.yaml"], Spec(dir, stream));
        Assert.Equal(0, GlintCli.Run(dir["home"], "stream", "start", dir["job.yaml"], "--available-now").ExitCode);
        Directory.Delete(dir["checkpoint"], recursive: true);
        var lost = GlintCli.Run(dir["home"], "stream", "start", dir["job.yaml"], "--available-now");
        Assert.Equal(1, lost.ExitCode);
        Assert.Contains($"checkpoint '{dir["checkpoint"]}' holds no committed batch, but streaming job 'orders-stream' committed 1 batch(es)", lost.Error);
        Assert.Single(lost.Error.Trim().Split('\n'));
        Assert.Equal(100, Rows(dir["out"])); // nothing read again

        await stream.Publish([.. Enumerable.Range(100, 50).Select(i => NatsStreams.Utf8(Good(i)))], 100);
        var reset = GlintCli.Run(dir["home"], "stream", "reset", dir["job.yaml"], "--to-sequence", "100");
        Assert.True(reset.ExitCode == 0, reset.All);
        Assert.Equal(0, GlintCli.Run(dir["home"], "stream", "start", dir["job.yaml"], "--available-now").ExitCode);
        Assert.Equal(150, Rows(dir["out"]));
        Assert.Equal(150L, Convert.ToInt64(Reference.Query($"SELECT count(DISTINCT id) FROM read_parquet('{dir["out"]}/**/*.parquet')")[0][0]));
    }

    [Fact]
    public async Task Too_many_dead_letters_stop_the_batch_before_its_commit_and_name_the_reasons()
    {
        using var dir = new TempFolder("stream-ratio");
        await using var stream = await Published(2, 200, i => i % 10 == 0 ? "[1, 2]" : Good(i));
        File.WriteAllText(dir["job.yaml"], Spec(dir, stream, "max_dead_letter_ratio: 0.05"));
        var run = GlintCli.Run(dir["home"], "stream", "start", dir["job.yaml"], "--once");
        Assert.Equal(1, run.ExitCode);
        Assert.Contains("20 of 200 messages of this batch (10%) are dead letters, more than max_dead_letter_ratio 0.05: 20 × not a JSON object", run.Error);
        Assert.False(Directory.Exists(dir["out"]) && Directory.EnumerateFiles(dir["out"], "*.parquet", SearchOption.AllDirectories).Any());
        Assert.False(Directory.Exists(dir["checkpoint"]) && Directory.EnumerateFiles(dir["checkpoint"]).Any());
        var status = GlintCli.Run(dir["home"], "stream", "status", dir["job.yaml"], "--json");
        Assert.Contains("\"lag_messages\":200", status.Output);
    }

    [Fact]
    public async Task A_running_stream_refuses_a_second_process_and_stops_on_request()
    {
        using var dir = new TempFolder("stream-stop");
        await using var stream = await Published(2, 50, Good);
        File.WriteAllText(dir["job.yaml"], Spec(dir, stream));
        using var first = GlintCli.Start(dir["home"], ["stream", "start", dir["job.yaml"]]);
        var output = first.StandardOutput.ReadToEndAsync();
        _ = first.StandardError.ReadToEndAsync();
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (!Directory.Exists(dir["checkpoint"]) || !Directory.EnumerateFiles(dir["checkpoint"]).Any())
        {
            Assert.True(DateTime.UtcNow < deadline, "no batch was committed");
            Thread.Sleep(100);
        }
        var second = GlintCli.Run(dir["home"], "stream", "start", dir["job.yaml"], "--once");
        Assert.Equal(1, second.ExitCode);
        Assert.Contains($"streaming job 'orders-stream' is already running (process {first.Id})", second.Error);
        await stream.Publish([.. Enumerable.Range(50, 10).Select(i => NatsStreams.Utf8(Good(i)))], 50);
        Assert.Equal(0, GlintCli.Run(dir["home"], "stream", "stop", dir["job.yaml"]).ExitCode);
        Assert.True(first.WaitForExit(TimeSpan.FromSeconds(60)));
        Assert.Equal(0, first.ExitCode);
        Assert.Contains("stopped on request", await output);
        var status = GlintCli.Run(dir["home"], "stream", "status", dir["job.yaml"]);
        Assert.Contains("not running", status.Output);
        Assert.Equal(60 - Convert.ToInt64(System.Text.RegularExpressions.Regex.Match(status.Output, @"lag (\d+) messages").Groups[1].Value), Rows(dir["out"]));
    }

    [Fact]
    public async Task Each_batch_reports_its_messages_and_the_lag_after_it_as_OpenTelemetry_metrics()
    {
        using var dir = new TempFolder("stream-otel");
        await using var stream = await Published(2, 120, Good);
        File.WriteAllText(dir["job.yaml"], Spec(dir, stream));
        var spec = Glint.Jobs.JobSpecLoader.Load(dir["job.yaml"]);
        spec.Sources["orders"].Nats!.MaxMessagesPerPartition = 40; // 60 per partition: batches of 80, then 40
        var messages = new List<long>();
        var lags = new Dictionary<string, long>();
        using var listener = new System.Diagnostics.Metrics.MeterListener();
        listener.InstrumentPublished = (instrument, l) =>
        {
            if (instrument.Meter.Name == Glint.Execution.Telemetry.Name && instrument.Name.StartsWith("glint.stream.", StringComparison.Ordinal)) l.EnableMeasurementEvents(instrument);
        };
        listener.SetMeasurementEventCallback<long>((instrument, value, tags, _) =>
        {
            if (instrument.Name == "glint.stream.messages") lock (messages) messages.Add(value);
            if (instrument.Name == "glint.stream.lag") lock (lags) lags[(string)tags.ToArray().Single(t => t.Key == "glint.partition").Value!] = value;
        });
        listener.Start();
        using var metastore = Glint.Catalog.Metastores.Open(null, dir["home"]);
        var options = new Glint.Execution.SessionOptions { Home = dir["home"] };
        var lagAfterFirst = -1L;
        new Glint.Streaming.StreamRunner(Glint.Jobs.SqlJobStore.Of(metastore), options).Run(spec, (_, _) =>
        {
            listener.RecordObservableInstruments();
            if (lagAfterFirst < 0) lock (lags) lagAfterFirst = lags.Values.Sum();
        }, CancellationToken.None, new Glint.Jobs.TriggerSpec { AvailableNow = true });
        Assert.Equal([80L, 40L], messages);
        Assert.Equal(40, lagAfterFirst);
        Assert.Equal(0, lags.Values.Sum());
    }
}
