namespace Glint.Samples;

/// <summary>The 22 TPC-H queries (validation parameters of the specification), in DuckDB's SQL dialect.</summary>
public static class TpchQueries
{
    /// <summary>Query number (1–22) and text.</summary>
    public static IReadOnlyList<(int Number, string Sql)> All { get; } = Enumerable.Range(1, 22).Select(n => (n, Load(n))).ToList();

    public static string Get(int number) => All[number - 1].Sql;

    private static string Load(int number)
    {
        using var stream = typeof(TpchQueries).Assembly.GetManifestResourceStream($"tpch.q{number:D2}.sql")
            ?? throw new InvalidOperationException($"TPC-H query {number} is not embedded");
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd();
    }
}
