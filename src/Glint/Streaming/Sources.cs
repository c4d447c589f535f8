using Glint.Jobs;

namespace Glint.Streaming;

/// <summary>The stream source a streaming spec names.</summary>
internal static class Sources
{
    public static IStreamSource Open(JobSpec spec)
    {
        var nats = spec.StreamSource().Source.Nats!;
        return new NatsStreamSource(NatsStreamSource.UrlOf(nats.Url), nats.Stream!, nats.Subjects);
    }
}
