using System.Buffers;
using System.Text;
using System.Text.Json;

namespace Glint.Streaming;

/// <summary>
/// Writes messages as JSON lines a batch's scan reads with a fixed schema (<see cref="Schema"/>): the partition, subject,
/// sequence, arrival time in microseconds, headers as JSON text, and the payload as text — or, when the bytes are not
/// UTF-8, as base64 in <c>_raw</c> (such a message is a dead letter, kept byte for byte).
/// </summary>
internal sealed class EnvelopeWriter : IDisposable
{
    /// <summary>The envelope's columns, as a source's schema option.</summary>
    public const string Schema = "_partition VARCHAR, _subject VARCHAR, _sequence BIGINT, _ts BIGINT, _headers VARCHAR, _payload VARCHAR, _raw VARCHAR";

    private static readonly UTF8Encoding Strict = new(false, throwOnInvalidBytes: true);
    private readonly FileStream file;
    private readonly ArrayBufferWriter<byte> buffer = new(1 << 20);
    private readonly Utf8JsonWriter json;

    public EnvelopeWriter(string path)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        file = new FileStream(path, FileMode.Create, FileAccess.Write, FileShare.None, 1 << 16);
        json = new Utf8JsonWriter(buffer, new JsonWriterOptions { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping, SkipValidation = true });
    }

    public long Written { get; private set; }

    public void Write(string partition, string subject, long sequence, DateTimeOffset time, IEnumerable<KeyValuePair<string, string>>? headers, ReadOnlySpan<byte> payload)
    {
        json.WriteStartObject();
        json.WriteString("_partition", partition);
        json.WriteString("_subject", subject);
        json.WriteNumber("_sequence", sequence);
        json.WriteNumber("_ts", (time.UtcTicks - DateTime.UnixEpoch.Ticks) / 10);
        if (headers is not null) json.WriteString("_headers", JsonSerializer.Serialize(headers.ToDictionary(h => h.Key, h => h.Value)));
        string? text;
        try { text = Strict.GetString(payload); }
        catch (DecoderFallbackException) { text = null; }
        if (text is not null) json.WriteString("_payload", text);
        else json.WriteString("_raw", Convert.ToBase64String(payload));
        json.WriteEndObject();
        json.Flush();
        buffer.GetSpan(1)[0] = (byte)'\n';
        buffer.Advance(1);
        json.Reset();
        if (buffer.WrittenCount > 1 << 19) Drain();
        Written++;
    }

    /// <summary>Lines go to the file a half megabyte at a time.</summary>
    private void Drain()
    {
        file.Write(buffer.WrittenSpan);
        buffer.ResetWrittenCount();
    }

    public void Dispose()
    {
        Drain();
        json.Dispose();
        file.Dispose();
    }
}
