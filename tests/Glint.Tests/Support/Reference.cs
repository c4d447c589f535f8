using System.Globalization;
using System.Numerics;
using DuckDB.NET.Data;
using Glint.Engine;

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

    /// <summary>
    /// A query over named datasets, as views in a schema of their own (so a query's own WITH still
    /// works) made current only for this query.
    /// </summary>
    public static List<object?[]> QueryOver(IReadOnlyDictionary<string, string> sources, string sql) =>
        QueryOverViews("v_" + string.Join("_", sources.OrderBy(kv => kv.Key).Select(kv => $"{kv.Key}_{kv.Value}")),
            sources.ToDictionary(kv => kv.Key, kv => Datasets.ReferenceScan(kv.Value)), sql);

    /// <summary>A query over views (name → a FROM item such as read_parquet(…)) created in <paramref name="schema"/>.</summary>
    public static List<object?[]> QueryOverViews(string schema, IReadOnlyDictionary<string, string> views, string sql)
    {
        lock (Gate)
        {
            var c = Connection.Value;
            c.Execute($"CREATE SCHEMA IF NOT EXISTS {schema}");
            foreach (var (name, scan) in views)
                c.Execute($"CREATE OR REPLACE VIEW {schema}.{name} AS SELECT * FROM {scan}");
            c.Execute($"SET search_path = '{schema}'");
            try { return c.Query(sql); }
            finally { c.Execute("RESET search_path"); }
        }
    }

    /// <summary>Rows as canonical text in their given order.</summary>
    public static List<string> Ordered(IEnumerable<object?[]> rows) => rows.Select(r => string.Join(" | ", r.Select(Format))).ToList();

    /// <summary>Rows as sorted canonical text, so two results compare as multisets.</summary>
    public static List<string> Canonical(IEnumerable<object?[]> rows) =>
        rows.Select(r => string.Join(" | ", r.Select(Format))).Order(StringComparer.Ordinal).ToList();

    /// <summary>Like <see cref="Format"/>, with doubles to 12 significant digits (an average summed in parts may differ in its last bits).</summary>
    public static string Rounded(object? value) => value switch
    {
        double d => d.ToString("G12", CultureInfo.InvariantCulture),
        float f => ((double)f).ToString("G6", CultureInfo.InvariantCulture),
        _ => Format(value),
    };

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
