using System.Globalization;
using Glint.Tests.Support;

namespace Glint.Tests.Streaming;

/// <summary>
/// Event-time windows with a watermark, batch by batch against a real nats-server: every window that closed holds what
/// one DuckDB query over the same events gives it, each closed window is emitted once, events late but within the
/// watermark still count, and events later than that are dead letters that say why.
/// </summary>
[Trait("needs", "nats")]
public sealed class StreamingWindowTests
{
    private static readonly DateTime T0 = new(2026, 12, 1, 10, 0, 0, DateTimeKind.Utc);

    private sealed record Event(int Id, string Customer, double Amount, DateTime Time)
    {
        public string Json => $$"""{"id": {{Id}}, "customer": "{{Customer}}", "amount": {{Amount.ToString(CultureInfo.InvariantCulture)}}, "event_time": "{{Time:yyyy-MM-dd HH:mm:ss}}"}""";
    }

    private static IEnumerable<Event> Span(int first, int count, TimeSpan from, int stepSeconds) =>
        Enumerable.Range(first, count).Select(i => new Event(i, $"c{i % 3}", i % 17 + 0.5, T0 + from + TimeSpan.FromSeconds((i - first) * stepSeconds)));

    [Fact]
    public async Task Closed_windows_equal_one_DuckDB_query_and_events_behind_the_watermark_are_dead_letters()
    {
        using var dir = new TempFolder("stream-window");
        await using var stream = new NatsStreams(2);
        File.WriteAllText(dir["job.yaml"], $$"""
            name: windowed
            type: streaming
            checkpoint: {{dir["checkpoint"]}}
            dead_letter: { path: {{dir["dead"]}} }
            sources:
              orders:
                nats: { url: "{{NatsStreams.Url}}", stream: {{stream.Name}} }
                format: json
                options: { schema: "id BIGINT, customer VARCHAR, amount DOUBLE, event_time TIMESTAMP" }
            transforms:
              - name: per_window
                from: orders
                group_by: [customer]
                agg: ["count(*) AS n", "sum(amount) AS total", "max(id) AS last_id", "avg(amount) AS mean"]
                event_window: { column: event_time, size: 5m, watermark: 10m }
            targets:
              - { from: per_window, path: {{dir["out"]}} }
            """);
        List<Event> published = [];
        var tooLate = new HashSet<int>();
        async Task Round(IEnumerable<Event> events, IEnumerable<int> late)
        {
            var list = events.ToList();
            published.AddRange(list);
            tooLate.UnionWith(late);
            await stream.Publish([.. list.Select(e => NatsStreams.Utf8(e.Json))]);
            var run = GlintCli.Run(dir["home"], "stream", "start", dir["job.yaml"], "--once");
            Assert.True(run.ExitCode == 0, run.All);
        }
        // Batch 1 sees 0–20 min: the watermark becomes 9:56, which closes [0, 5).
        await Round(Span(0, 300, TimeSpan.Zero, 4), []);
        // Batch 2: 20–40 min, 7 min (late, but its window is open: counted) and 2 min (its window was emitted: a dead letter).
        await Round([.. Span(300, 300, TimeSpan.FromMinutes(20), 4), .. Span(600, 20, TimeSpan.FromMinutes(7), 1), .. Span(620, 10, TimeSpan.FromMinutes(2), 1)], Enumerable.Range(620, 10));
        // Batch 3 (watermark 29:56 before it): 12 min is behind it, 25 min is not; then 40–60 min.
        await Round([.. Span(700, 10, TimeSpan.FromMinutes(12), 1), .. Span(710, 10, TimeSpan.FromMinutes(25), 1), .. Span(800, 300, TimeSpan.FromMinutes(40), 4)], Enumerable.Range(700, 10));

        var events = dir["events.json"];
        File.WriteAllLines(events, published.Select(e => e.Json));
        var watermark = published.Max(e => e.Time) - TimeSpan.FromMinutes(10);
        var reference = $"""
            SELECT customer, time_bucket(INTERVAL '5 minutes', event_time) AS window_start, count(*) AS n, sum(amount) AS total, max(id) AS last_id, avg(amount) AS mean
            FROM read_json('{events}', columns = {"{"}'id': 'BIGINT', 'customer': 'VARCHAR', 'amount': 'DOUBLE', 'event_time': 'TIMESTAMP'{"}"})
            WHERE id NOT IN ({string.Join(", ", tooLate)})
            GROUP BY customer, window_start HAVING window_start + INTERVAL '5 minutes' <= TIMESTAMP '{watermark:yyyy-MM-dd HH:mm:ss}'
            """;
        var output = $"SELECT customer, window_start, n, total, last_id, mean FROM read_parquet('{dir["out"]}/**/*.parquet')";
        var differ = Reference.Query($"SELECT count(*) FROM (({reference}) EXCEPT ALL ({output})) UNION ALL SELECT count(*) FROM (({output}) EXCEPT ALL ({reference}))");
        Assert.True(differ.All(r => Convert.ToInt64(r[0]) == 0), string.Join("\n", Reference.Query($"({reference}) EXCEPT ALL ({output})").Take(5).Select(r => string.Join(" | ", r)))
            + "\n--\n" + string.Join("\n", Reference.Query($"({output}) EXCEPT ALL ({reference})").Take(5).Select(r => string.Join(" | ", r))));
        Assert.Equal(27L, Convert.ToInt64(Reference.Query($"SELECT count(*) FROM ({output})")[0][0])); // 9 windows (0–45 min) × 3 customers, each once
        var dead = Reference.Query($"SELECT CAST(json_extract_string(payload, '$.id') AS INTEGER), reason FROM read_parquet('{dir["dead"]}/**/*.parquet') ORDER BY 1");
        Assert.Equal(tooLate.Order(), dead.Select(r => Convert.ToInt32(r[0])));
        Assert.All(dead, r => Assert.Matches(@"^event time 2026-12-01 10:\d\d:\d\d is behind the watermark 2026-12-01 10:\d\d:\d\d: its window \[.*\) was already emitted$", (string)r[1]!));
    }
}
