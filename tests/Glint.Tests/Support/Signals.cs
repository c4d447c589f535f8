using System.Diagnostics;
using System.Runtime.InteropServices;

namespace Glint.Tests.Support;

/// <summary>Sends a process the signals a terminal or a scheduler sends (SIGINT, SIGTERM), where Process offers only SIGKILL.</summary>
public static partial class Signals
{
    private const int SigTerm = 15;

    /// <summary>SIGTERM, as a scheduler or <c>kill</c> stops a process.</summary>
    public static void Terminate(Process process)
    {
        if (Kill(process.Id, SigTerm) != 0) throw new InvalidOperationException($"kill({process.Id}, SIGTERM) failed: errno {Marshal.GetLastPInvokeError()}");
    }

    [LibraryImport("libc", EntryPoint = "kill", SetLastError = true)]
    private static partial int Kill(int pid, int signal);
}
