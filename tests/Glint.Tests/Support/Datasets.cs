using System.Globalization;

namespace Glint.Tests.Support;

/// <summary>
/// Test datasets, generated once per test process with plain DuckDB. Every dataset has 17 files of
/// nearly equal size, so a job can be planned into exactly 1, 3 or 17 splits.
/// </summary>
public static class Datasets
{
    public const int Files = 17;
    private static readonly Lazy<string> Root = new(Generate);

    public static string Path(string name) => System.IO.Path.Combine(Root.Value, name);

    /// <summary>What plain DuckDB reads for a dataset (the reference side of differential tests).</summary>
    public static string ReferenceScan(string name) => name switch
    {
        "sales_parquet" or "sales_multilevel" or "sales_empty" or "sales_skewed" => $"read_parquet('{Path(name)}/**/*.parquet', hive_partitioning=true)",
        "customers" or "segments" => $"read_parquet('{Path(name)}/*.parquet')",
        "sales_csv" => $"read_csv('{Path(name)}/*.csv', header=true)",
        "sales_json" => $"read_json('{Path(name)}/*.json', format='newline_delimited')",
        _ => throw new ArgumentException($"unknown dataset {name}"),
    };

    private static string Rows(int file, int rows) => $"""
        SELECT {file} * 1000 + range AS id,
               CASE WHEN hash(range, {file}, 'cn') % 29 = 0 THEN NULL ELSE 'c' || (hash(range, {file}) % 50) END AS customer,
               CASE WHEN hash(range, {file}, 'n') % 11 = 0 THEN NULL ELSE round((hash(range, {file}, 'a') % 100000) / 100.0, 2) END AS amount,
               (hash(range, {file}, 'q') % 9)::INTEGER - 1 AS qty,
               CASE WHEN hash(range, {file}, 'x') % 5 = 0 THEN NULL ELSE 'note ' || (range % 13) END AS note,
               TIMESTAMP '2024-01-01 00:00:00' + to_seconds((hash(range, {file}, 't') % 864000)::BIGINT) AS ts,
               DATE '2024-01-01' + ({file} % 5) AS day,
               ['EU', 'US'][{file} % 2 + 1] AS region
        FROM range({rows})
        """;

    /// <summary>Customers c0…c67 (c50 and up have no sales), a NULL key in file 0, c3 twice (file 0 and file 1), 'hot' once.</summary>
    private static string Customers(int file) => $"""
        SELECT 'c' || ({file} * 4 + range) AS customer, ['gold', 'silver', 'bronze'][range % 3 + 1] AS segment, ({file} * 4 + range) * 10 AS credit
        FROM range(4)
        UNION ALL SELECT CASE {file} WHEN 0 THEN NULL WHEN 1 THEN 'c3' ELSE 'hot' END, 'none', -1 WHERE {file} <= 2
        """;

    /// <summary>Segment attributes: gold, silver, bronze, none and platinum (no customer has it), a NULL segment in file 3, tiers 0–16.</summary>
    private static string Segments(int file) => $"""
        SELECT CASE WHEN {file} = 3 THEN NULL ELSE ['gold', 'silver', 'bronze', 'none', 'platinum'][{file} % 5 + 1] END AS segment,
               {file} AS tier, ({file} % 4) * 0.05 AS discount
        """;

    private static string Generate()
    {
        var root = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "glint-test-datasets", Guid.NewGuid().ToString("N")[..8]);
        for (var f = 0; f < Files; f++)
        {
            var day = new DateOnly(2024, 1, 1).AddDays(f % 5).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
            var region = f % 2 == 0 ? "EU" : "US";
            var rows = Rows(f, 300);
            Write($"SELECT * EXCLUDE (day) FROM ({rows})", $"{root}/sales_parquet/day={day}/part-{f:D2}.parquet", "PARQUET");
            Write($"SELECT * EXCLUDE (day, region) FROM ({rows})", $"{root}/sales_multilevel/region={region}/day={day}/part-{f:D2}.parquet", "PARQUET");
            Write($"SELECT * EXCLUDE (day) FROM ({rows}) WHERE false", $"{root}/sales_empty/day={day}/part-{f:D2}.parquet", "PARQUET");
            Write(rows, $"{root}/sales_csv/part-{f:D2}.csv", "CSV, HEADER true");
            Write(rows, $"{root}/sales_json/part-{f:D2}.json", "JSON");
            // Nine rows in ten belong to one customer: the hot key of skew tests.
            Write($"SELECT * EXCLUDE (day) REPLACE (CASE WHEN id % 10 < 9 THEN 'hot' ELSE customer END AS customer) FROM ({rows})",
                $"{root}/sales_skewed/day={day}/part-{f:D2}.parquet", "PARQUET");
            Write(Customers(f), $"{root}/customers/part-{f:D2}.parquet", "PARQUET");
            Write(Segments(f), $"{root}/segments/part-{f:D2}.parquet", "PARQUET");
        }
        return root;
    }

    private static void Write(string query, string path, string format)
    {
        Directory.CreateDirectory(System.IO.Path.GetDirectoryName(path)!);
        Reference.Execute($"COPY ({query}) TO '{path}' (FORMAT {format})");
    }
}
