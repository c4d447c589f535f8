namespace Glint.Catalog;

/// <summary>One task attempt of a recorded run: where and when it ran, how it ended, what it moved.</summary>
public sealed record TaskAttemptRow(string AttemptId, int Stage, int Task, int Attempt, string Slot, DateTimeOffset Started, DateTimeOffset Ended,
    bool Succeeded, long? RowsIn, long? RowsOut, long? BytesOut, string? Error, long? InputBytes = null, string? Description = null)
{
    /// <summary>Slots the attempt took (a fused stage's wide task takes several).</summary>
    public int Slots { get; init; } = 1;

    public TimeSpan Duration => Ended - Started;
}
