using System.Diagnostics;
using Glint.Tests.Support;

namespace Glint.Tests.Glue;

/// <summary>Runs one of the Glue test scripts (copied next to the test binaries) with the machine's python 3 and its boto3.</summary>
public static class Python
{
    public static GlintCli.Result Run(string script, params string[] args)
    {
        var folder = Path.Combine(AppContext.BaseDirectory, "Glue");
        var info = new ProcessStartInfo("python3") { RedirectStandardOutput = true, RedirectStandardError = true, WorkingDirectory = folder };
        info.ArgumentList.Add(Path.Combine(folder, script));
        foreach (var a in args) info.ArgumentList.Add(a);
        info.Environment["PYTHONPATH"] = folder;
        info.Environment["PYTHONDONTWRITEBYTECODE"] = "1";
        using var process = Process.Start(info)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(TimeSpan.FromMinutes(8)))
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"{script} {string.Join(' ', args)} did not finish:\n{output.Result}{error.Result}");
        }
        return new GlintCli.Result(process.ExitCode, output.Result, error.Result);
    }
}
