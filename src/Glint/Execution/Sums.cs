namespace Glint.Execution;

/// <summary>Sums that are unknown when any part is.</summary>
internal static class Sums
{
    /// <summary>The sum, or null when any value is null.</summary>
    public static long? OrNull(IEnumerable<long?> values)
    {
        long sum = 0;
        foreach (var v in values)
        {
            if (v is null) return null;
            sum += v.Value;
        }
        return sum;
    }
}
