using System.Globalization;
using System.Numerics;
using DuckDB.NET.Data;
using Glint.Execution;

namespace Glint.Tests.Support;

/// <summary>Plain DuckDB, all threads, for generating test data and computing the expected rows.</summary>
public static class Reference
{
    private static readonly Lazy<DuckDBConnection> Connection = new(() =>
    {
        var c = new DuckDBConnection("Data Source=:memory:");
        c.Open();
        return c;
    });
    private static readonly Lock Gate = new();

    public static void Execute(string sql)
    {
        lock (Gate) Connection.Value.Execute(sql);
    }

    public static List<object?[]> Query(string sql)
    {
        lock (Gate) return Connection.Value.Query(sql);
    }

    /// <summary>Rows as sorted canonical text, so two results compare as multisets.</summary>
    /// <summary>Rows as canonical text in their given order.</summary>
    public static List<string> Ordered(IEnumerable<object?[]> rows) => rows.Select(r => string.Join(" | ", r.Select(Format))).ToList();

    public static List<string> Canonical(IEnumerable<object?[]> rows) =>
        rows.Select(r => string.Join(" | ", r.Select(Format))).Order(StringComparer.Ordinal).ToList();

    public static string Format(object? value) => value switch
    {
        null => "NULL",
        double d => d.ToString("R", CultureInfo.InvariantCulture),
        float f => ((double)f).ToString("R", CultureInfo.InvariantCulture),
        decimal m => m.ToString(CultureInfo.InvariantCulture),
        DateTime t => t.ToString("yyyy-MM-dd HH:mm:ss.ffffff", CultureInfo.InvariantCulture),
        DateOnly d => d.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
        BigInteger b => b.ToString(CultureInfo.InvariantCulture),
        IFormattable f => f.ToString(null, CultureInfo.InvariantCulture),
        _ => value.ToString() ?? "NULL",
    };
}
