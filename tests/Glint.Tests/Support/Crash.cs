using System.Diagnostics;
using Glint.Storage;

namespace Glint.Tests.Support;

/// <summary>
/// Runs the real glint command with the commit trace on and SIGKILLs it at a measured point of its commit: once the
/// trace (one line per commit step, see <see cref="CommitTrace"/>) has a given number of lines.
/// </summary>
public static class Crash
{
    /// <summary>Runs glint to the end with the trace on; returns the trace's lines (the points a kill can be aimed at).</summary>
    /// <param name="every">a progress line every so many files moved, uploaded or deleted (small targets want small steps)</param>
    public static string[] Calibrate(string home, string trace, int every, params string[] args)
    {
        File.Delete(trace);
        var result = GlintCli.Run(home, args, Environment(trace, every));
        Assert.True(result.ExitCode == 0, result.All);
        return File.ReadAllLines(trace);
    }

    /// <summary>Starts glint and SIGKILLs it as soon as its commit trace has <paramref name="lines"/> lines; returns the step it had reached, or null when it ended first.</summary>
    public static string? KillAt(string home, string trace, int lines, int every, params string[] args)
    {
        File.Delete(trace);
        using var process = GlintCli.Start(home, args, Environment(trace, every));
        _ = process.StandardOutput.ReadToEndAsync();
        _ = process.StandardError.ReadToEndAsync();
        var clock = Stopwatch.StartNew();
        while (!process.HasExited && clock.Elapsed < TimeSpan.FromMinutes(3))
        {
            var seen = Lines(trace);
            if (seen.Length >= lines)
            {
                process.Kill(); // SIGKILL: no finally block, no flush, no exit handler runs
                process.WaitForExit();
                return seen[^1];
            }
            Thread.Sleep(1);
        }
        process.WaitForExit();
        return null;
    }

    /// <summary>Kill points spread evenly over a calibrated trace, from its first line to its last but one.</summary>
    public static IReadOnlyList<int> Points(string[] trace, int count)
    {
        var last = trace.Length - 1;
        return [.. Enumerable.Range(0, count).Select(i => 1 + (int)Math.Round(i * (last - 1) / (double)(count - 1))).Distinct()];
    }

    private static Dictionary<string, string> Environment(string trace, int every) =>
        new() { [CommitTrace.Variable] = trace, [CommitTrace.EveryVariable] = every.ToString(System.Globalization.CultureInfo.InvariantCulture) };

    private static string[] Lines(string path)
    {
        try { return File.Exists(path) ? File.ReadAllLines(path) : []; }
        catch (IOException) { return []; }
    }
}
