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
        Connection = DuckDbInstances.Rent();
        var spill = Directory.CreateDirectory(Path.Combine(WorkFolder, "spill")).FullName;
        Connection.Execute("SET threads=1");
        Connection.Execute($"SET memory_limit='{Math.Max(memoryLimitBytes / (1 << 20), 64).ToString(CultureInfo.InvariantCulture)}MB'");
        Connection.Execute($"SET temp_directory='{spill.Replace("'", "''")}'");
    }

    public int Worker { get; }
    public int Index { get; }
    public string Name => $"w{Worker}-slot{Index}";
    public bool IsAlive => true;
    public string WorkFolder { get; }
    internal DuckDBConnection Connection { get; }

    public void Dispose()
    {
        DuckDbInstances.Return(Connection);
        try { Directory.Delete(WorkFolder, recursive: true); } catch (IOException) { }
    }
}
