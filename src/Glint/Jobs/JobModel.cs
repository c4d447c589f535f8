using System.Collections.Immutable;
using Glint.Catalog;
using Glint.Common;
using Glint.Execution;

namespace Glint.Jobs;

/// <summary>How a job uses bookmarks (Glue's job-bookmark-option): advance them, ignore them, or read from them without advancing.</summary>
public enum BookmarkOption { Enable, Disable, Pause }

/// <summary>A stored job: its spec (YAML, with ${argument} placeholders; relative paths from <c>BaseFolder</c>), default arguments and how runs go.</summary>
public sealed record JobDefinition(
    string Name,
    string Spec,
    ImmutableDictionary<string, string> DefaultArguments,
    string? WorkerType = null,
    int? Workers = null,
    int MaxRetries = 0,
    double TimeoutMinutes = 2880,
    int MaxConcurrentRuns = 1,
    BookmarkOption Bookmarks = BookmarkOption.Disable,
    string? BaseFolder = null)
{
    /// <summary>
    /// Where the spec is read from at each run (a local path or an s3:// address), as Glue reads a job's script; null when the
    /// spec text is kept with the job. <see cref="Spec"/> then holds the text as last read.
    /// </summary>
    public string? ScriptLocation { get; init; }

    /// <summary>This job, or the first of its settings that no run could honour, named as the YAML keys and options name it.</summary>
    public JobDefinition Checked()
    {
        if (string.IsNullOrWhiteSpace(Name)) throw new ConfigException("name", "a job needs a name");
        if (WorkerType is not null) Execution.WorkerType.Parse(WorkerType);
        if (Workers is { } workers) Execution.SessionOptions.CheckWorkers(workers);
        if (MaxRetries < 0) throw new ConfigException("max_retries", $"max retries must be 0 or more, not {MaxRetries}");
        if (!(TimeoutMinutes > 0) || double.IsInfinity(TimeoutMinutes))
            throw new ConfigException("timeout", $"timeout must be longer than 0 (every run would end as TIMEOUT), not {TimeoutMinutes} min");
        if (MaxConcurrentRuns < 1) throw new ConfigException("max_concurrent_runs", $"max concurrent runs must be at least 1 (0 would refuse every start), not {MaxConcurrentRuns}");
        return this;
    }

    /// <summary>The timeout as people read it: <c>2880 min</c>, <c>90 s</c>.</summary>
    public string TimeoutText => TimeoutMinutes >= 1 && TimeoutMinutes == Math.Floor(TimeoutMinutes)
        ? $"{TimeoutMinutes:0} min"
        : $"{(TimeoutMinutes * 60).ToString("0.###", System.Globalization.CultureInfo.InvariantCulture)} s";
}

/// <summary>Glue's run states.</summary>
public enum RunState { Starting, Running, Succeeded, Failed, Timeout, Stopped }

/// <summary>What a finished run did, kept with it.</summary>
public sealed record RunRecord(long? RowsIn, long RowsOut, int FilesWritten, long BytesWritten, int Tasks, int Attempts, double WallSeconds, double DpuSeconds, double Cost,
    long ErrorRecords = 0, string? WorkerType = null, int Workers = 0, int Slots = 0, IReadOnlyList<StageRecord>? Stages = null,
    string? ErrorFile = null, IReadOnlyList<QualityOutcome>? Quality = null);

/// <summary>One stage of a finished run as executed: what it read, its tasks (planned and run), what it wrote, and the adaptive decisions taken for it.</summary>
public sealed record StageRecord(int Id, string Name, IReadOnlyList<int> DependsOn, int PlannedTasks, int Tasks, int Attempts, long? RowsIn, long RowsOut,
    long BytesOut, double WallSeconds, IReadOnlyList<string> Decisions)
{
    /// <summary>Stages computed inside this stage's tasks (fused exchanges); empty in runs recorded before fusion existed.</summary>
    public IReadOnlyList<int> Fused { get; init; } = [];
    /// <summary>Slots each fused task took.</summary>
    public int TaskSlots { get; init; } = 1;

    public static StageRecord From(Execution.StageSummary s) => new(s.Id.Value, s.Name, [.. s.DependsOn.Select(d => d.Value)], s.PlannedTasks, s.Tasks,
        s.Attempts, s.RowsIn, s.RowsOut, s.BytesOut, s.Wall.TotalSeconds, [.. s.Decisions.Select(d => d.Text)])
    {
        Fused = [.. s.Fused.Select(f => f.Value)],
        TaskSlots = s.TaskSlots,
    };
}

/// <summary>One run of a job (an attempt: a retry names the run it retries).</summary>
public sealed record JobRun(
    RunId RunId,
    string Job,
    int Attempt,
    RunId? PreviousRunId,
    RunState State,
    ImmutableDictionary<string, string> Arguments,
    DateTimeOffset Started,
    DateTimeOffset? Ended,
    DateTimeOffset Heartbeat,
    string? Error,
    RunRecord? Record,
    bool StopRequested = false);

/// <summary>One file a bookmark has seen: its path, size and modification time.</summary>
public sealed record BookmarkFile(string Path, long Size, long ModifiedTicks);

/// <summary>
/// A source's bookmark. For files: the files already processed and the newest modification time among them;
/// <paramref name="ProcessedBefore"/> (set by <c>glint bookmark set</c>) also counts every file modified before it as processed.
/// For a database source: <see cref="Keys"/>, the last bookmark key values processed.
/// </summary>
public sealed record Bookmark(ImmutableArray<BookmarkFile> Files, DateTime HighWaterUtc, DateTime? ProcessedBefore = null)
{
    /// <summary>Set for a database source: the key columns and the last values a committed run read.</summary>
    public KeyBookmark? Keys { get; init; }

    public static readonly Bookmark Empty = new([], DateTime.MinValue);

    /// <summary>Whether the bookmark has seen this file as it is now (same size and modification time).</summary>
    public Func<Storage.SourceFile, bool> Contains()
    {
        var seen = Files.Select(f => (f.Path, f.Size, f.ModifiedTicks)).ToHashSet();
        var before = ProcessedBefore;
        return file => seen.Contains((file.Path, file.Length, file.ModifiedUtc.Ticks)) || (before is { } t && file.ModifiedUtc < t);
    }

    public Bookmark With(IEnumerable<Storage.SourceFile> read)
    {
        var files = Files.ToDictionary(f => f.Path);
        foreach (var f in read) files[f.Path] = new BookmarkFile(f.Path, f.Length, f.ModifiedUtc.Ticks);
        var all = files.Values.OrderBy(f => f.Path, StringComparer.Ordinal).ToImmutableArray();
        return new Bookmark(all, all.Length == 0 ? DateTime.MinValue : new DateTime(all.Max(f => f.ModifiedTicks), DateTimeKind.Utc), ProcessedBefore);
    }
}

/// <summary>A database source's bookmark: its key columns, their order, and the last key values read (Glue's jobBookmarkKeys).</summary>
public sealed record KeyBookmark(ImmutableArray<string> Columns, bool Descending, ImmutableArray<string?> Last)
{
    public override string ToString() =>
        $"{string.Join(", ", Columns)} {(Descending ? "<" : ">")} {string.Join(", ", Last.Select(v => v ?? "NULL"))}";
}

/// <summary>A job's bookmark for one source, as last committed, and the run that committed it.</summary>
public sealed record SourceBookmark(string Job, string Source, Bookmark State, RunId RunId, DateTimeOffset Updated);

/// <summary>Task attempts as a run's record keeps them.</summary>
internal static class AttemptRows
{
    /// <summary>The metastore's row of one attempt.</summary>
    public static TaskAttemptRow Of(TaskAttemptRecord a) => new(a.Id.ToString(), a.Id.Task.Stage.Value, a.Id.Task.Partition, a.Id.Attempt, a.Slot,
        new DateTimeOffset(a.StartedUtc, TimeSpan.Zero), new DateTimeOffset(a.EndedUtc, TimeSpan.Zero), a.Succeeded, a.Result?.RowsIn, a.Result?.RowsOut,
        a.Result?.BytesOut, a.Error, a.InputBytes, a.Description) { Slots = a.Slots };
}

/// <summary>
/// A committed run's entry in the ledger (see <see cref="Catalog.IRunLedger"/>): its record, the bookmarks it advances
/// and its attempts. Journaled with the commit, so a crash after the commit point still records it exactly once.
/// </summary>
internal sealed record RunCompletion(RunRecord Record, IReadOnlyDictionary<string, Bookmark>? Bookmarks, IReadOnlyList<TaskAttemptRow> Attempts)
{
    private static readonly System.Text.Json.JsonSerializerOptions Json = new()
    {
        Converters = { new System.Text.Json.Serialization.JsonStringEnumConverter() },
    };

    public string ToJson() => System.Text.Json.JsonSerializer.Serialize(this, Json);

    public static RunCompletion FromJson(string json) => System.Text.Json.JsonSerializer.Deserialize<RunCompletion>(json, Json)!;
}
