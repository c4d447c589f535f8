using System.Globalization;
using Glint.Tests.Support;

namespace Glint.Tests.Glue;

/// <summary>
/// Glue Data Quality driven by boto3 against a real <c>glint serve</c> (tests/Glint.Tests/Glue/glue_dq.py, every answer checked
/// against botocore's shapes): rulesets, an evaluation run on a catalog table with a reference, results whose metrics equal DuckDB's.
/// </summary>
public sealed class GlueDataQualityTests
{
    [Fact]
    public void Boto3_creates_rulesets_runs_an_evaluation_on_a_catalog_table_and_reads_results_that_equal_DuckDB()
    {
        using var dir = new TempFolder("glue-dq");
        Directory.CreateDirectory(dir["data/orders"]);
        Directory.CreateDirectory(dir["data/customers"]);
        for (var f = 0; f < 3; f++)
            Reference.Execute($"""
                COPY (SELECT {f} * 1000 + range AS id, CASE WHEN range % 25 = 0 THEN NULL ELSE 'c' || (range % 30) END AS customer,
                             ['new', 'paid', 'shipped', 'lost'][(range % 4) + 1] AS status, CAST((range * 7) % 500 AS DOUBLE) AS amount
                      FROM range(400)) TO '{dir[$"data/orders/part-{f}.parquet"]}' (FORMAT parquet)
                """);
        Reference.Execute($"COPY (SELECT 'c' || range AS customer FROM range(29)) TO '{dir["data/customers/part-0.parquet"]}' (FORMAT parquet)");
        using var server = GlueServer.Start(dir["home"]);
        var result = Python.Run("glue_dq.py", server.Endpoint, dir["data"]);
        Assert.True(result.ExitCode == 0, $"the data-quality scenario failed:\n{result.All}\n--- server:\n{server.Log()}");
        Assert.Contains("DONE", result.Output);

        var rules = result.Output.Split('\n').Where(l => l.StartsWith("RULE ", StringComparison.Ordinal)).ToDictionary(l => l[(l.IndexOf(" | ", StringComparison.Ordinal) + 3)..], l => l);
        var orders = $"read_parquet('{dir["data/orders"]}/*.parquet')";
        double Duck(string sql) => Convert.ToDouble(Reference.Query(sql).Single()[0], CultureInfo.InvariantCulture);
        void Expect(string rule, string outcome, string metric, double value)
        {
            var line = rules[rule];
            Assert.StartsWith($"RULE {outcome} ", line);
            Assert.Contains($"{metric}={value.ToString("R", CultureInfo.InvariantCulture)}", line.Replace(".0 ", " ").Replace(".0 |", " |"));
        }
        Expect("RowCount > 0", "PASS", "Dataset.*.RowCount", Duck($"SELECT count(*) FROM {orders}"));
        Expect("IsUnique \"id\"", "PASS", "Column.id.Uniqueness", Duck($"SELECT count(DISTINCT id) / count(*) FROM {orders}"));
        Expect("Completeness \"customer\" >= 0.95", "PASS", "Column.customer.Completeness", Duck($"SELECT count(customer) / count(*) FROM {orders}"));
        Expect("ColumnValues \"status\" in [\"new\",\"paid\",\"shipped\"]", "FAIL", "Column.status.ColumnValues.Compliance",
            Duck($"SELECT count_if(status IN ('new', 'paid', 'shipped')) / count(*) FROM {orders}"));
        Expect("ReferentialIntegrity \"customer\" \"customers.customer\" >= 0.9", "PASS", "Column.customer.ReferentialIntegrity",
            Duck($"SELECT count_if(customer IN (SELECT customer FROM read_parquet('{dir["data/customers"]}/*.parquet'))) / count(*) FROM {orders}"));
    }
}
