using System.Collections.Concurrent;
using DuckDB.NET.Data;

namespace Glint.Engine;

/// <summary>
/// Process-wide DuckDB instances. Opening or closing an instance slows every other open one
/// (the allocator returns memory to the OS process-wide, see NOTES.md), so instances are opened
/// once, lent to slots and the planner, and only closed when the process exits.
/// </summary>
internal static class DuckDbInstances
{
    private static readonly ConcurrentBag<DuckDBConnection> Idle = [];
    private static readonly Lazy<DuckDBConnection> DriverInstance = new(Open);
    private static readonly Lock DriverLock = new();

    private static DuckDBConnection Open()
    {
        var connection = new DuckDBConnection("Data Source=:memory:");
        connection.Open();
        return connection;
    }

    public static DuckDBConnection Rent() => Idle.TryTake(out var c) ? c : Open();

    public static void Return(DuckDBConnection connection) => Idle.Add(connection);

    /// <summary>Runs plan-time work (DESCRIBE, parsing, footers) on the driver's own instance, one caller at a time.</summary>
    public static T OnDriver<T>(Func<DuckDBConnection, T> work)
    {
        lock (DriverLock) return work(DriverInstance.Value);
    }
}
