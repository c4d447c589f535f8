using System.Diagnostics;
using System.Globalization;
using DuckDB.NET.Data;

namespace Glint.Bench;

/// <summary>What every scenario times and runs with: interleaved medians, plain DuckDB statements, seconds as text.</summary>
internal static class Measure
{
    /// <summary>
    /// Runs the actions in turns (a, b, a, b, …) after one warm-up each, so drift in the machine's speed
    /// affects all of them alike; returns each one's median.
    /// </summary>
    public static double[] Interleaved(int repeat, params Action[] actions)
    {
        foreach (var action in actions) action(); // warm-up: file cache, native library, JIT
        var times = actions.Select(_ => new List<double>()).ToArray();
        for (var i = 0; i < repeat; i++)
            for (var a = 0; a < actions.Length; a++)
            {
                var clock = Stopwatch.StartNew();
                actions[a]();
                times[a].Add(clock.Elapsed.TotalSeconds);
            }
        return times.Select(Median).ToArray();
    }

    public static double Median(List<double> times) => times.Order().ElementAt(times.Count / 2);

    public static void Execute(DuckDBConnection connection, string sql)
    {
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        command.ExecuteNonQuery();
    }

    public static string Seconds(double seconds) => seconds.ToString("0.000", CultureInfo.InvariantCulture);
}
