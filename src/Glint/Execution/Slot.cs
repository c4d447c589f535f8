using System.Globalization;
using DuckDB.NET.Data;
using Glint.Engine;

namespace Glint.Execution;

/// <summary>One task slot (one vCPU of a worker): a long-lived DuckDB with threads=1, the slot's memory limit and spill folder.</summary>
public sealed class Slot : ITaskSlot, IDisposable
{
    public Slot(int worker, int index, long memoryLimitBytes, string workFolder)
    {
        Worker = worker;
        Index = index;
        WorkFolder = Directory.CreateDirectory(workFolder).FullName;
        MemoryLimitBytes = Math.Max(memoryLimitBytes, 64L << 20);
        Connection = DuckDbInstances.Rent();
        var spill = Directory.CreateDirectory(Path.Combine(WorkFolder, "spill")).FullName;
        Connection.Execute("SET threads=1");
        Connection.Execute(MemoryLimit(1));
        Connection.Execute($"SET temp_directory='{spill.Replace("'", "''")}'");
    }

    public int Worker { get; }
    public int Index { get; }
    public string Name => $"w{Worker}-slot{Index}";
    public bool IsAlive => true;
    /// <summary>Every in-process slot belongs to this process's one executor.</summary>
    public string Executor => "local";
    /// <summary>The slot's memory limit at one thread; a wide task gets this times its slots.</summary>
    public long MemoryLimitBytes { get; }
    public string WorkFolder { get; }
    internal DuckDBConnection Connection { get; }

    /// <summary>
    /// Runs <paramref name="work"/> with the slot's DuckDB widened to <paramref name="slots"/> threads and memory, then
    /// narrows it again. The instance stays open: opening or closing one slows every other instance (NOTES.md).
    /// </summary>
    internal T Widened<T>(int slots, Func<T> work)
    {
        if (slots <= 1) return work();
        Connection.Execute($"SET threads={slots.ToString(CultureInfo.InvariantCulture)}");
        Connection.Execute(MemoryLimit(slots));
        try { return work(); }
        finally
        {
            Connection.Execute("SET threads=1");
            Connection.Execute(MemoryLimit(1));
        }
    }

    private string MemoryLimit(int slots) =>
        $"SET memory_limit='{(MemoryLimitBytes * slots / (1 << 20)).ToString(CultureInfo.InvariantCulture)}MB'";

    public void Dispose()
    {
        DuckDbInstances.Return(Connection);
        try { Directory.Delete(WorkFolder, recursive: true); } catch (IOException) { }
    }
}
