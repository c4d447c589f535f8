using System.Diagnostics;

namespace Glint.Bench;

/// <summary>The repository's server scripts (scripts/postgres.sh, s3.sh, redis.sh): start prints the address, stop stops.</summary>
internal static class ServerScript
{
    /// <summary>Runs <c>scripts/&lt;name&gt; &lt;verb&gt; &lt;folder&gt;</c> and returns what it printed.</summary>
    public static string Run(string name, string verb, string folder)
    {
        var script = Path.GetFullPath(Path.Combine("scripts", name));
        var process = Process.Start(new ProcessStartInfo(script, [verb, folder]) { RedirectStandardOutput = true })!;
        var output = process.StandardOutput.ReadToEnd().Trim();
        process.WaitForExit();
        if (process.ExitCode != 0) throw new InvalidOperationException($"scripts/{name} {verb} failed");
        return output;
    }
}
