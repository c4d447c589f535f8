namespace Glint.Storage;

/// <summary>
/// Progress of a job commit, one line per step, appended to the file GLINT_COMMIT_TRACE names (unset: nothing).
/// Crash tests watch it to SIGKILL a run at measured points of its commit.
/// </summary>
internal sealed class CommitTrace
{
    /// <summary>The environment variable naming the trace file.</summary>
    public const string Variable = "GLINT_COMMIT_TRACE";

    /// <summary>The environment variable setting how many files a step moves, uploads or deletes between two progress lines (default 250).</summary>
    public const string EveryVariable = "GLINT_COMMIT_TRACE_EVERY";

    private readonly string? path;
    private readonly int every;

    private CommitTrace(string? path, int every)
    {
        this.path = path;
        this.every = every;
    }

    /// <summary>No trace.</summary>
    public static CommitTrace None { get; } = new(null, 1);

    public static CommitTrace FromEnvironment() =>
        Environment.GetEnvironmentVariable(Variable) is { Length: > 0 } file
            ? new CommitTrace(file, int.TryParse(Environment.GetEnvironmentVariable(EveryVariable), out var n) && n > 0 ? n : 250)
            : None;

    public void Step(string text)
    {
        if (path is null) return;
        lock (this) File.AppendAllText(path, $"{DateTime.UtcNow:HH:mm:ss.fff} {text}\n");
    }

    /// <summary>A progress line every so many items of a step.</summary>
    public void Progress(string step, int done)
    {
        if (path is not null && done % every == 0) Step($"{step} {done}");
    }
}
