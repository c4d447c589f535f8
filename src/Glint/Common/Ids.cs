using System.Globalization;

namespace Glint.Common;

/// <summary>Identifies one run of a job; its text form is used in folder and file names.</summary>
public readonly record struct RunId(string Value)
{
    public static RunId New() =>
        new($"run-{DateTime.UtcNow:yyyyMMdd-HHmmss}-{Guid.NewGuid().ToString("N")[..6]}");
    public override string ToString() => Value;

    /// <summary>A run id as a user or a URL gives it (any non-blank text; the ledger says whether such a run exists).</summary>
    public static bool TryParse(string? text, out RunId id)
    {
        id = string.IsNullOrWhiteSpace(text) ? default : new RunId(text.Trim());
        return !string.IsNullOrWhiteSpace(text);
    }
}

/// <summary>Identifies a stage within a run (1-based, in planning order).</summary>
public readonly record struct StageId(int Value)
{
    public override string ToString() => "s" + Value.ToString(CultureInfo.InvariantCulture);
}

/// <summary>Identifies one task (one partition) of a stage.</summary>
public readonly record struct TaskId(StageId Stage, int Partition)
{
    public override string ToString() => $"{Stage}-t{Partition.ToString("D4", CultureInfo.InvariantCulture)}";
}

/// <summary>Identifies one attempt (1-based) of a task; every attempt writes under its own path.</summary>
public readonly record struct TaskAttemptId(TaskId Task, int Attempt)
{
    public override string ToString() => $"{Task}-a{Attempt.ToString(CultureInfo.InvariantCulture)}";
}
