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
}
