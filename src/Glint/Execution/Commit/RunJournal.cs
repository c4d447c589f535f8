using System.Collections.Immutable;
using System.Text.Json;
using System.Text.Json.Serialization;
using Glint.Storage;

namespace Glint.Execution.Commit;

/// <summary>Where a run's commit stands: tasks running, targets being placed, or past the commit point.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<CommitPhase>))]
internal enum CommitPhase
{
    /// <summary>Tasks run; targets hold only staged files.</summary>
    Running,
    /// <summary>Files are being placed; readers still see every target's old version.</summary>
    Prepared,
    /// <summary>The commit point is passed: every target is to be published, the ledger completed.</summary>
    Committed,
}

/// <summary>
/// A run's durable commit record, <c>$GLINT_HOME/runs/&lt;run&gt;.json</c>, written (by rename) before each step that
/// touches a target. While the run's process lives it holds <c>&lt;run&gt;.lock</c>; a journal whose lock is free
/// belongs to a dead run, and <see cref="RunRecovery"/> finishes or undoes it.
/// </summary>
internal sealed record RunJournal(
    string RunId,
    CommitPhase Phase,
    string Scratch,
    ImmutableArray<TargetIntent> Targets,
    string? Ledger,
    string? Completion,
    IReadOnlyList<CatalogRegistration>? Tables,
    int ProcessId,
    DateTime StartedUtc)
{
    private static readonly JsonSerializerOptions Json = new() { DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull };

    public static string Folder(string home) => Path.Combine(home, "runs");

    public static string FileOf(string home, string runId) => Path.Combine(Folder(home), runId + ".json");

    public static string LockOf(string home, string runId) => Path.Combine(Folder(home), runId + ".lock");

    /// <summary>Writes the journal whole or not at all (temporary file, flushed to disk, renamed over the old one).</summary>
    public void Write(string home)
    {
        var path = FileOf(home, RunId);
        var temporary = path + ".tmp";
        using (var stream = new FileStream(temporary, FileMode.Create, FileAccess.Write))
        {
            JsonSerializer.Serialize(stream, this, Json);
            stream.Flush(flushToDisk: true);
        }
        File.Move(temporary, path, overwrite: true);
    }

    /// <summary>The journal of a run, or null when there is none (or it was cut short before its first rename).</summary>
    public static RunJournal? TryRead(string path)
    {
        try { return File.Exists(path) ? JsonSerializer.Deserialize<RunJournal>(File.ReadAllText(path), Json) : null; }
        catch (JsonException) { return null; }
    }

    public static void Delete(string home, string runId) => File.Delete(FileOf(home, runId));

    /// <summary>Whether a process on this machine is running <paramref name="runId"/> (it holds the run's lock).</summary>
    public static bool IsAlive(string home, string runId)
    {
        using var taken = FileLock.TryAcquire(LockOf(home, runId));
        return taken is null;
    }
}
