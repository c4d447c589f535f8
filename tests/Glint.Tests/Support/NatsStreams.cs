using System.Text;
using NATS.Client.Core;
using NATS.Client.JetStream;
using NATS.Client.JetStream.Models;

namespace Glint.Tests.Support;

/// <summary>
/// The private nats-server (JetStream on) that ./test.sh starts (GLINT_TEST_NATS), and a test's own stream on it: a
/// stream of its own name whose subjects are &lt;name&gt;.0 … &lt;name&gt;.{n-1}, one per partition.
/// </summary>
public sealed class NatsStreams : IAsyncDisposable
{
    public static string Url => Environment.GetEnvironmentVariable("GLINT_TEST_NATS")
        ?? throw new InvalidOperationException("GLINT_TEST_NATS is not set: run the tests with ./test.sh, which starts nats-server (scripts/nats.sh)");

    private readonly NatsConnection connection = new(new NatsOpts { Url = Url });

    public NatsStreams(int partitions)
    {
        Name = "t" + Guid.NewGuid().ToString("N")[..10];
        Partitions = partitions;
        Js = new NatsJSContext(connection);
        Js.CreateStreamAsync(new StreamConfig(Name, [Name + ".*"]) { Storage = StreamConfigStorage.File }).AsTask().GetAwaiter().GetResult();
    }

    public string Name { get; }

    public int Partitions { get; }

    public NatsJSContext Js { get; }

    public string Subject(int partition) => $"{Name}.{partition}";

    /// <summary>Publishes payloads, message i to partition i mod n, many acknowledgements awaited at once.</summary>
    public async Task Publish(IReadOnlyList<byte[]> payloads, int from = 0)
    {
        const int window = 2000;
        var pending = new List<Task<PubAckResponse>>(window);
        for (var i = 0; i < payloads.Count; i++)
        {
            pending.Add(Js.PublishAsync(Subject((from + i) % Partitions), payloads[i]).AsTask());
            if (pending.Count == window)
            {
                foreach (var ack in await Task.WhenAll(pending)) ack.EnsureSuccess();
                pending.Clear();
            }
        }
        foreach (var ack in await Task.WhenAll(pending)) ack.EnsureSuccess();
    }

    public static byte[] Utf8(string text) => Encoding.UTF8.GetBytes(text);

    public async ValueTask DisposeAsync()
    {
        try { await Js.DeleteStreamAsync(Name); } catch (NatsJSApiException) { }
        await connection.DisposeAsync();
    }
}
