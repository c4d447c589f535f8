using Glint.Api;
using Glint.Execution;
using Glint.Tests.Support;

namespace Glint.Tests;

/// <summary>The Parquet types a write gives aggregates: plain DuckDB's, except that integer sums stay exact integers.</summary>
public sealed class WrittenTypeTests
{
    private static readonly string[] Aggregates =
    [
        "sum(big) AS sum_big", "sum(small) AS sum_int", "count(*) AS n", "count(DISTINCT small) AS distinct_small", "avg(big) AS avg_big",
        "min(big) AS min_big", "max(amount) AS max_amount", "sum(amount) AS sum_amount", "sum(ratio) AS sum_ratio", "bool_or(flag) AS any_flag",
    ];

    [Fact]
    public void Aggregates_are_written_with_plain_DuckDBs_parquet_types_and_integer_sums_as_exact_INT64()
    {
        using var dir = new TempFolder("written-types");
        Directory.CreateDirectory(dir["in"]);
        // Sums past 2^53, where a DOUBLE can no longer tell neighbouring integers apart.
        Reference.Execute($"""
            COPY (SELECT range % 3 AS k, 4503599627370497 + range AS big, (range % 1000)::INTEGER AS small, (range / 7)::DECIMAL(10,2) AS amount,
                         range / 3.0 AS ratio, range % 5 = 0 AS flag FROM range(3000))
            TO '{dir["in/part-0.parquet"]}' (FORMAT PARQUET)
            """);
        var session = new GlintSession(new SessionOptions { Home = dir["home"] });
        session.Read.Parquet(dir["in"]).GroupBy("k").Agg(Aggregates).Write().Save(dir["out"]);
        var query = $"SELECT k, {string.Join(", ", Aggregates)} FROM read_parquet('{dir["in"]}/*.parquet') GROUP BY k";
        Reference.Execute($"COPY ({query}) TO '{dir["plain.parquet"]}' (FORMAT PARQUET)");

        var glint = Types(Directory.GetFiles(dir["out"], "*.parquet").First());
        var plain = Types(dir["plain.parquet"]);
        Assert.Equal(plain.Keys.Order(), glint.Keys.Order());
        foreach (var (column, type) in plain)
            Assert.Equal(column is "sum_big" or "sum_int" ? "INT64" : type, glint[column]);
        Assert.Equal("DOUBLE", plain["sum_big"]);   // what Glint avoids: DuckDB writes its HUGEINT sums as DOUBLE

        var exact = Reference.Query($"SELECT k, sum(big)::VARCHAR FROM read_parquet('{dir["in"]}/*.parquet') GROUP BY k ORDER BY k");
        var written = Reference.Query($"SELECT k, sum_big::VARCHAR FROM read_parquet('{dir["out"]}/*.parquet') ORDER BY k");
        Assert.Equal(Reference.Ordered(exact), Reference.Ordered(written));
    }

    private static Dictionary<string, string> Types(string file) =>
        Reference.Query($"SELECT name, type FROM parquet_schema('{file}') WHERE num_children IS NULL OR num_children = 0")
            .ToDictionary(r => (string)r[0]!, r => (string)r[1]!);
}
