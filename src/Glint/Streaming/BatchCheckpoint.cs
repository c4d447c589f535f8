using System.Text.Json;
using System.Text.Json.Serialization;

namespace Glint.Streaming;

/// <summary>An event window's state after a batch: its watermark, and the partial rows of the windows still open.</summary>
public sealed record WindowState(DateTime? Watermark, IReadOnlyList<Common.Column> Columns, IReadOnlyList<IReadOnlyList<JsonElement>> Rows)
{
    /// <summary>Collected rows as JSON values: numbers and booleans as such, times as text DuckDB casts back, anything else as its text.</summary>
    public static WindowState Of(DateTime? watermark, IReadOnlyList<Common.Column> columns, IReadOnlyList<object?[]> rows) =>
        new(watermark, columns, [.. rows.Select(r => (IReadOnlyList<JsonElement>)[.. r.Select(Value)])]);

    private static JsonElement Value(object? v) => JsonSerializer.SerializeToElement<object?>(v switch
    {
        null => null,
        bool or int or long or short or byte or double or float or decimal => v,
        DateTime t => t.ToString("yyyy-MM-dd HH:mm:ss.ffffff", System.Globalization.CultureInfo.InvariantCulture),
        _ => Convert.ToString(v, System.Globalization.CultureInfo.InvariantCulture),
    });
}

/// <summary>
/// What one committed micro-batch recorded in the checkpoint, published by its commit with its outputs: the last
/// sequence read of every partition (all partitions, not only those it read), what it read and dead-lettered, and the
/// running totals. The newest file of a checkpoint folder is where the next batch starts.
/// </summary>
public sealed record BatchCheckpoint(
    long Batch,
    string RunId,
    DateTimeOffset CommittedUtc,
    IReadOnlyDictionary<string, long> Sequences,
    long Messages,
    long DeadLetters,
    long TotalMessages,
    long TotalDeadLetters,
    DateTimeOffset? NewestMessageUtc,
    double Seconds)
{
    private static readonly JsonSerializerOptions Json = new()
    {
        WriteIndented = true,
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    };

    /// <summary>Set by an operator (glint stream reset) rather than by a batch's commit.</summary>
    public string? ResetBy { get; init; }

    /// <summary>Of <see cref="Seconds"/>, the time spent reading the messages from the stream (the rest ran the job and committed).</summary>
    public double ReadSeconds { get; init; }

    /// <summary>How many messages of each partition the committed batches read in all (none after a reset).</summary>
    public IReadOnlyDictionary<string, long>? Read { get; init; }

    /// <summary>Each event window's watermark and open windows (partial aggregates), by transform name.</summary>
    public IReadOnlyDictionary<string, WindowState>? Windows { get; init; }

    /// <summary>The checkpoint file of a batch: numbered so that names sort as batches do.</summary>
    public static string FileName(long batch) => $"batch-{batch:D12}.json";

    /// <summary>The batch a checkpoint file name holds, or null for another file.</summary>
    public static long? BatchOf(string fileName) =>
        fileName.StartsWith("batch-", StringComparison.Ordinal) && fileName.EndsWith(".json", StringComparison.Ordinal)
        && long.TryParse(fileName["batch-".Length..^".json".Length], out var n) ? n : null;

    public string ToJson() => JsonSerializer.Serialize(this, Json);

    public static BatchCheckpoint? Parse(string json)
    {
        try { return JsonSerializer.Deserialize<BatchCheckpoint>(json, Json); }
        catch (JsonException) { return null; }
    }

    /// <summary>The sequence a partition was read up to (0: nothing of it yet).</summary>
    public long SequenceOf(string partition) => Sequences.GetValueOrDefault(partition);
}
