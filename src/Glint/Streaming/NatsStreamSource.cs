using Glint.Common;
using NATS.Client.Core;
using NATS.Client.JetStream;
using NATS.Client.JetStream.Models;

namespace Glint.Streaming;

/// <summary>
/// A NATS JetStream stream as a stream source: each subject the stream holds (within the spec's subject filters) is a
/// partition — a stream partitioned by subject mapping (orders.0 … orders.7) gives one partition per mapped subject — and
/// a partition's sequences are the stream's sequences of its messages. Each read is an ordered consumer filtered to the
/// subject, started after the committed sequence; nothing is acknowledged, the checkpoint alone says what was read.
/// </summary>
internal sealed class NatsStreamSource : IStreamSource
{
    /// <summary>How long a read waits for a message it knows exists before it ends the partition's read there.</summary>
    private static readonly TimeSpan Idle = TimeSpan.FromSeconds(1);

    private readonly NatsConnection connection;
    private readonly NatsJSContext js;
    private readonly string stream;
    private readonly IReadOnlyList<string> filters;

    public NatsStreamSource(string url, string stream, IReadOnlyList<string> subjects)
    {
        // A full subscription channel waits rather than drops: a message dropped by the client would be a gap in a partition's read.
        connection = new NatsConnection(new NatsOpts { Url = url, Name = "glint", SubPendingChannelFullMode = System.Threading.Channels.BoundedChannelFullMode.Wait });
        js = new NatsJSContext(connection);
        this.stream = stream;
        filters = subjects.Count == 0 ? [">"] : subjects;
        Url = url;
    }

    public string Url { get; }

    public string Describe => $"nats stream '{stream}' at {Url}";

    /// <summary>The server's URL: the spec's, else NATS_URL, else the default local server.</summary>
    public static string UrlOf(string? given) => given ?? Environment.GetEnvironmentVariable("NATS_URL") ?? "nats://127.0.0.1:4222";

    public async Task<IReadOnlyList<PartitionHead>> Heads(CancellationToken cancellation)
    {
        var subjects = new SortedSet<string>(StringComparer.Ordinal);
        var counts = new Dictionary<string, long>(StringComparer.Ordinal);
        var lossless = true;
        foreach (var filter in filters)
        {
            var info = await Call(() => js.GetStreamAsync(stream, new StreamInfoRequest { SubjectsFilter = filter }, cancellation).AsTask());
            foreach (var (subject, count) in info.Info.State.Subjects ?? new Dictionary<string, long>())
            {
                subjects.Add(subject);
                counts[subject] = count;
            }
            lossless &= info.Info.State.FirstSeq <= 1 && info.Info.State.NumDeleted == 0;
        }
        subjectCounts = lossless ? counts : null;
        var heads = new List<PartitionHead>();
        var handle = await Call(() => js.GetStreamAsync(stream, cancellationToken: cancellation).AsTask());
        foreach (var subject in subjects)
        {
            var last = await Call(() => handle.GetAsync(new StreamMsgGetRequest { LastBySubj = subject }, cancellation).AsTask());
            heads.Add(new PartitionHead(subject, (long)last.Message.Seq, last.Message.Time));
        }
        return heads;
    }

    public async Task<PartitionRead> Read(string partition, long after, long upTo, int max, EnvelopeWriter writer, CancellationToken cancellation)
    {
        var consumer = await Consumer(partition, ConsumerConfigDeliverPolicy.ByStartSequence, after + 1, null, cancellation);
        long count = 0, last = after;
        DateTimeOffset? newest = null;
        try
        {
            // Bounded pulls until the batch's end: each ends by itself, so the consumer is deleted with no pull in flight.
            while (last < upTo && count < max)
            {
                var fetched = 0;
                var opts = new NatsJSFetchOpts { MaxMsgs = (int)Math.Min(max - count, 10_000), Expires = Idle };
                await foreach (var message in consumer.FetchAsync(opts, NatsRawSerializer<byte[]>.Default, cancellation))
                {
                    fetched++;
                    var metadata = message.Metadata ?? throw new SourceException(partition, $"{Describe}: a message of '{partition}' came without its JetStream metadata");
                    var sequence = (long)metadata.Sequence.Stream;
                    if (sequence > upTo) { last = upTo; break; }
                    var headers = message.Headers?.SelectMany(h => h.Value.Select(v => new KeyValuePair<string, string>(h.Key, v!)));
                    writer.Write(partition, message.Subject, sequence, metadata.Timestamp, headers, message.Data ?? []);
                    count++;
                    last = sequence;
                    newest = newest is { } n && n > metadata.Timestamp ? n : metadata.Timestamp;
                    if (sequence >= upTo || count >= max) break;
                }
                if (fetched == 0) break; // the rest was removed by the stream's limits
            }
        }
        finally { await Delete(consumer); }
        return new PartitionRead(partition, count, last, newest);
    }

    /// <summary>Messages per subject at the last <see cref="Heads"/>, while the stream has removed none (else null).</summary>
    private Dictionary<string, long>? subjectCounts;

    public async Task<PartitionLag> Lag(string partition, long after, long? readSoFar, CancellationToken cancellation)
    {
        // A stream that never removed a message holds, per subject, exactly the messages read so far and those still to read.
        if (readSoFar is { } read && subjectCounts?.GetValueOrDefault(partition) is { } total)
        {
            if (total <= read) return new PartitionLag(partition, 0, null);
            var stream = await Call(() => js.GetStreamAsync(this.stream, cancellationToken: cancellation).AsTask());
            var next = await Call(() => stream.GetAsync(new StreamMsgGetRequest { Seq = (ulong)(after + 1), NextBySubj = partition }, cancellation).AsTask());
            return new PartitionLag(partition, total - read, next.Message.Time);
        }
        var consumer = await Consumer(partition, ConsumerConfigDeliverPolicy.ByStartSequence, after + 1, null, cancellation);
        var pending = (long)consumer.Info.NumPending;
        await Delete(consumer);
        if (pending == 0) return new PartitionLag(partition, 0, null);
        var handle = await Call(() => js.GetStreamAsync(stream, cancellationToken: cancellation).AsTask());
        var oldest = await Call(() => handle.GetAsync(new StreamMsgGetRequest { Seq = (ulong)(after + 1), NextBySubj = partition }, cancellation).AsTask());
        return new PartitionLag(partition, pending, oldest.Message.Time);
    }

    public async Task<long?> SequenceAt(string partition, DateTimeOffset time, CancellationToken cancellation)
    {
        var consumer = await Consumer(partition, ConsumerConfigDeliverPolicy.ByStartTime, null, time, cancellation);
        try
        {
            await foreach (var message in consumer.FetchAsync(new NatsJSFetchOpts { MaxMsgs = 1, Expires = TimeSpan.FromSeconds(2) }, NatsRawSerializer<byte[]>.Default, cancellation))
                return (long)message.Metadata!.Value.Sequence.Stream;
        }
        finally { await Delete(consumer); }
        return null;
    }

    /// <summary>
    /// An ephemeral consumer of one subject that acknowledges nothing (the checkpoint says what was read). A plain pull
    /// consumer with one filter subject: nats-server 2.9 ignores the several filter subjects an ordered consumer sends.
    /// </summary>
    private Task<INatsJSConsumer> Consumer(string partition, ConsumerConfigDeliverPolicy deliver, long? sequence, DateTimeOffset? time, CancellationToken cancellation) =>
        Call(async () =>
        {
            var handle = await js.GetStreamAsync(stream, cancellationToken: cancellation);
            return await handle.CreateOrUpdateConsumerAsync(new ConsumerConfig
            {
                Name = "glint-" + Guid.NewGuid().ToString("N"),
                FilterSubject = partition,
                DeliverPolicy = deliver,
                OptStartSeq = sequence is { } s ? (ulong)s : 0,
                OptStartTime = time ?? default,
                AckPolicy = ConsumerConfigAckPolicy.None,
                InactiveThreshold = TimeSpan.FromSeconds(30),
                MemStorage = true,
            }, cancellation);
        });

    private async Task Delete(INatsJSConsumer consumer)
    {
        try { await js.DeleteConsumerAsync(stream, consumer.Info.Name); }
        catch (NatsJSApiException) { } // gone already; its inactive threshold removes it otherwise
    }

    /// <summary>A call to the server, its failures in Glint's words: the stream or the server named.</summary>
    private async Task<T> Call<T>(Func<Task<T>> call)
    {
        try { return await call(); }
        catch (NatsJSApiException e) when (e.Error.Code == 404)
        {
            throw new SourceException(stream, $"{Describe}: {(e.Error.ErrCode == 10059 ? "the stream does not exist" : e.Error.Description)}");
        }
        catch (NatsJSApiException e) { throw new SourceException(stream, $"{Describe}: {e.Error.Description}"); }
        catch (NatsException e) { throw new SourceException(stream, $"{Describe}: cannot reach the server ({e.Message})"); }
    }

    public void Dispose() => connection.DisposeAsync().AsTask().GetAwaiter().GetResult();
}
