using System.Diagnostics;
using System.Text;
using Glint.Tests.Support;

namespace Glint.Tests.Glue;

/// <summary>A real <c>glint serve</c> process on a free loopback port, killed when disposed.</summary>
public sealed class GlueServer : IDisposable
{
    private readonly Process process;
    private readonly StringBuilder log = new();

    private GlueServer(Process process, int port)
    {
        this.process = process;
        Endpoint = $"http://127.0.0.1:{port}";
    }

    public string Endpoint { get; }

    public string Log() { lock (log) return log.ToString(); }

    public static GlueServer Start(string home, IReadOnlyDictionary<string, string>? environment = null)
    {
        var port = Ports.Free();
        var server = new GlueServer(GlintCli.Start(home, ["serve", "--port", port.ToString(System.Globalization.CultureInfo.InvariantCulture)], environment), port);
        var listening = new TaskCompletionSource();
        server.process.OutputDataReceived += (_, e) => server.Record(e.Data, listening);
        server.process.ErrorDataReceived += (_, e) => server.Record(e.Data, null);
        server.process.BeginOutputReadLine();
        server.process.BeginErrorReadLine();
        if (!listening.Task.Wait(TimeSpan.FromSeconds(60)) || server.process.HasExited)
        {
            server.Dispose();
            throw new InvalidOperationException($"glint serve did not start:\n{server.Log()}");
        }
        return server;
    }

    private void Record(string? line, TaskCompletionSource? listening)
    {
        if (line is null) return;
        lock (log) log.AppendLine(line);
        if (line.StartsWith("Glint's Glue API at", StringComparison.Ordinal)) listening?.TrySetResult();
    }

    public void Dispose()
    {
        if (!process.HasExited) process.Kill(entireProcessTree: true);
        process.WaitForExit();
        process.Dispose();
    }
}
