using Glint.Api;
using Glint.Execution;
using Glint.Tests.Support;

namespace Glint.Tests.Streaming;

/// <summary>
/// A streaming job under SIGKILL: a real glint stream process over a real nats-server, killed at random moments and at
/// points of its commit, and started again each time. Outputs, dead letters and the checkpoint commit together, so in
/// the end every valid message is in the output exactly once, every malformed one in the dead letters exactly once,
/// and the lag is zero.
/// </summary>
[Trait("needs", "nats")]
[Collection("crash")]
public sealed class StreamingCrashTests
{
    private const int Messages = 1_000_000, Partitions = 8;

    /// <summary>Message i: valid JSON, except every 1000th (0.1%), which is malformed one of three ways.</summary>
    private static byte[] Payload(int i) => (i % 1000) switch
    {
        999 => (i / 1000 % 3) switch
        {
            0 => NatsStreams.Utf8($"{{\"id\": {i}, \"amount\": "),
            1 => NatsStreams.Utf8($"{{\"id\": \"n{i}\", \"amount\": 1.5}}"),
            _ => [0x7b, 0xff, 0xfe, (byte)(i % 251)],
        },
        _ => NatsStreams.Utf8($"{{\"id\": {i}, \"amount\": {i % 977}.25, \"customer\": \"c{i % 13}\"}}"),
    };

    [Fact]
    public async Task A_stream_killed_at_random_moments_and_during_its_commits_writes_each_valid_message_once_and_dead_letters_each_malformed_one()
    {
        using var dir = new TempFolder("crash-stream");
        await using var stream = new NatsStreams(Partitions);
        await stream.Publish([.. Enumerable.Range(0, Messages).Select(Payload)]);
        var spec = dir["stream.yaml"];
        File.WriteAllText(spec, $$"""
            name: orders-stream
            type: streaming
            trigger: { interval: 1s }
            checkpoint: {{dir["checkpoint"]}}
            dead_letter: { path: {{dir["dead"]}} }
            sources:
              orders:
                nats: { url: "{{NatsStreams.Url}}", stream: {{stream.Name}}, max_messages_per_partition: 20000 }
                format: json
                options: { schema: "id BIGINT, amount DOUBLE, customer VARCHAR" }
            targets:
              - { from: orders, path: {{dir["out"]}}, format: parquet }
            """);
        var home = dir["home"];
        var seed = Environment.TickCount;
        var random = new Random(seed);
        var kills = new List<string>();
        // Commit points first (the trace counts the steps of every batch's commit), then moments at random.
        foreach (var lines in new[] { 2, 6, 9 })
            if (Crash.KillAt(home, dir["trace"], lines, 1, "stream", "start", spec) is { } step) kills.Add($"commit step '{step}'");
        for (var i = 0; kills.Count < 8 && i < 12; i++)
        {
            var after = TimeSpan.FromMilliseconds(random.Next(800, 4000));
            if (KillAfter(home, spec, after)) kills.Add($"{after.TotalMilliseconds} ms");
            AssertNoRowTwice(dir);
        }
        Assert.True(kills.Count >= 5, $"only {kills.Count} kills landed (seed {seed})");
        var drain = GlintCli.Run(home, "stream", "start", spec, "--available-now");
        Assert.True(drain.ExitCode == 0, drain.All);

        var missingOrDoubled = Reference.Query($"""
            SELECT (SELECT count(*) FROM (SELECT range AS id FROM range({Messages}) WHERE range % 1000 <> 999 EXCEPT ALL SELECT id FROM read_parquet('{dir["out"]}/**/*.parquet'))),
                   (SELECT count(*) FROM (SELECT id FROM read_parquet('{dir["out"]}/**/*.parquet') EXCEPT ALL SELECT range FROM range({Messages}) WHERE range % 1000 <> 999)),
                   (SELECT count(*) FROM read_parquet('{dir["out"]}/**/*.parquet'))
            """)[0];
        Assert.True(Convert.ToInt64(missingOrDoubled[0]) == 0 && Convert.ToInt64(missingOrDoubled[1]) == 0,
            $"missing {missingOrDoubled[0]}, extra {missingOrDoubled[1]}, rows {missingOrDoubled[2]} after kills at {string.Join(", ", kills)} (seed {seed})");
        var dead = Reference.Query($"SELECT count(*), count(DISTINCT partition || ':' || sequence) FROM read_parquet('{dir["dead"]}/**/*.parquet')")[0];
        Assert.Equal([Messages / 1000L, Messages / 1000L], dead.Select(v => Convert.ToInt64(v)));
        var status = GlintCli.Run(home, "stream", "status", spec, "--json");
        Assert.Contains("\"lag_messages\":0,", status.Output);
        Assert.Contains($"\"messages\":{Messages},", status.Output);
    }

    /// <summary>Starts the stream and SIGKILLs it after a while; false if it had ended by itself.</summary>
    private static bool KillAfter(string home, string spec, TimeSpan after)
    {
        using var process = GlintCli.Start(home, ["stream", "start", spec]);
        _ = process.StandardOutput.ReadToEndAsync();
        _ = process.StandardError.ReadToEndAsync();
        if (process.WaitForExit(after)) return false;
        process.Kill();
        process.WaitForExit();
        return true;
    }

    /// <summary>What a reader sees between kills (through the folders' manifests, from a home of its own that repairs nothing): no id twice.</summary>
    private static void AssertNoRowTwice(TempFolder dir)
    {
        if (!File.Exists(Path.Combine(dir["out"], "_SUCCESS"))) return;
        var session = new GlintSession(new SessionOptions { Home = dir["reader-home"] });
        var counts = session.Read.Parquet(dir["out"]).Agg("count(*)", "count(DISTINCT id)").Collect()[0];
        Assert.Equal(counts[0], counts[1]);
    }
}
