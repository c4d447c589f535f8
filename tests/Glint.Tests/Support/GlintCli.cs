using System.Diagnostics;

namespace Glint.Tests.Support;

/// <summary>Runs the real glint command (the built Glint.Cli.dll) as a separate process.</summary>
public static class GlintCli
{
    public sealed record Result(int ExitCode, string Output, string Error)
    {
        public string All => Output + Error;
    }

    public static Result Run(string home, params string[] args) => Run(home, args, new Dictionary<string, string>());

    /// <summary>Starts glint without waiting (its output redirected, for the caller to read); the caller kills or waits for it.</summary>
    public static Process Start(string home, string[] args, IReadOnlyDictionary<string, string>? environment = null)
    {
        var info = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true };
        info.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "Glint.Cli.dll"));
        foreach (var a in args) info.ArgumentList.Add(a);
        info.Environment["GLINT_HOME"] = home;
        info.Environment["NO_COLOR"] = "1";
        info.Environment["COLUMNS"] = "200";
        foreach (var (k, v) in environment ?? new Dictionary<string, string>()) info.Environment[k] = v;
        return Process.Start(info)!;
    }

    public static Result Run(string home, string[] args, IReadOnlyDictionary<string, string> environment)
    {
        using var process = Start(home, args, environment);
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(TimeSpan.FromMinutes(3)))
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"glint {string.Join(' ', args)} did not finish");
        }
        return new Result(process.ExitCode, output.Result, error.Result);
    }
}
