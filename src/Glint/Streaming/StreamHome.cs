namespace Glint.Streaming;

/// <summary>Where a streaming job keeps its local state under the Glint home: its lock, status, stop request and incoming envelopes.</summary>
internal static class StreamHome
{
    public static string Of(string home, string job) =>
        Path.Combine(home, "streams", string.Concat(job.Select(c => char.IsLetterOrDigit(c) || c is '-' or '_' or '.' ? c : '_')));
}
