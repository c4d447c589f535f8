using Glint.Tests.Support;

namespace Glint.Tests;

/// <summary><c>glint sql</c> and <c>glint explain --sql</c> as users run them at the terminal.</summary>
public sealed class SqlCliTests
{
    private static readonly string Sales = $"sales={Datasets.Path("sales_parquet")}";
    private static readonly string Customers = $"customers={Datasets.Path("customers")}:parquet";

    [Fact]
    public void Sql_prints_the_result_rows_as_a_table()
    {
        using var dir = new TempFolder("cli-sql");
        const string query = "SELECT c.segment, count(*) AS n FROM sales s JOIN customers c USING (customer) GROUP BY c.segment ORDER BY n DESC, c.segment";
        var result = GlintCli.Run(dir["home"], "sql", query, "--source", Sales, "--source", Customers);
        Assert.True(result.ExitCode == 0, result.All);
        var expected = Reference.QueryOver(new Dictionary<string, string> { ["sales"] = "sales_parquet", ["customers"] = "customers" }, query);
        var lines = result.Output.Split('\n');
        var order = expected.Select(r => Array.FindIndex(lines, l => l.Contains($" {r[0]} ") && l.Contains($" {r[1]} "))).ToList();
        Assert.DoesNotContain(-1, order);
        Assert.Equal(order.Order(), order);
        Assert.Contains($"{expected.Count} rows", result.Output);
    }

    [Fact]
    public void Sql_reads_a_database_table_named_with_a_fragment()
    {
        using var dir = new TempFolder("cli-sql-db");
        using (var c = new Microsoft.Data.Sqlite.SqliteConnection($"Data Source={dir["shop.db"]}"))
        {
            c.Open();
            Db.Execute(c, "CREATE TABLE segments (segment TEXT PRIMARY KEY, discount REAL); INSERT INTO segments VALUES ('gold', 0.2), ('silver', 0.1), ('bronze', 0.05)");
        }
        const string query = "SELECT c.segment, count(*) AS n, max(d.discount) AS discount FROM customers c JOIN segments d USING (segment) GROUP BY c.segment ORDER BY discount DESC";
        var result = GlintCli.Run(dir["home"], "sql", query, "--source", Customers, "--source", $"segments=sqlite:{dir["shop.db"]}#segments");
        Assert.True(result.ExitCode == 0, result.All);
        var gold = result.Output.Split('\n').Single(l => l.Contains(" gold "));
        Assert.Contains(" 0.2 ", gold);
        Assert.True(result.Output.IndexOf(" gold ", StringComparison.Ordinal) < result.Output.IndexOf(" bronze ", StringComparison.Ordinal));
        var missing = GlintCli.Run(dir["home"], "sql", query, "--source", Customers, "--source", $"segments=sqlite:{dir["shop.db"]}");
        Assert.NotEqual(0, missing.ExitCode);
        Assert.Contains("#<table>", missing.All);
    }

    [Fact]
    public void Sql_prints_at_most_max_rows_and_says_when_it_cut()
    {
        using var dir = new TempFolder("cli-sql-rows");
        var result = GlintCli.Run(dir["home"], "sql", "SELECT id FROM sales ORDER BY id", "--source", Sales, "--max-rows", "3");
        Assert.True(result.ExitCode == 0, result.All);
        Assert.Contains("first 3 rows shown; the result has more", result.Output);
        var ids = Reference.QueryOver(new Dictionary<string, string> { ["sales"] = "sales_parquet" }, "SELECT id FROM sales ORDER BY id LIMIT 4");
        Assert.Matches($@"│ {ids[2][0]}\s+│", result.Output);
        Assert.DoesNotMatch($@"│ {ids[3][0]}\s+│", result.Output);
    }

    [Fact]
    public void Sql_with_output_writes_the_result_and_its_manifest()
    {
        using var dir = new TempFolder("cli-sql-out");
        var result = GlintCli.Run(dir["home"], "sql", "SELECT day, sum(qty) AS q FROM sales GROUP BY day", "--source", Sales,
            "--output", dir["out"], "--partition-by", "day");
        Assert.True(result.ExitCode == 0, result.All);
        Assert.Contains("SUCCEEDED", result.Output);
        Assert.True(File.Exists(dir["out/_SUCCESS"]));
        var written = Reference.Canonical(Reference.Query($"SELECT day, q FROM read_parquet('{dir["out"]}/**/*.parquet', hive_partitioning=true)"));
        var expected = Reference.Canonical(Reference.QueryOver(new Dictionary<string, string> { ["sales"] = "sales_parquet" }, "SELECT day, sum(qty) AS q FROM sales GROUP BY day"));
        Assert.Equal(expected, written);
    }

    [Fact]
    public void Explain_sql_shows_the_stages_without_running()
    {
        using var dir = new TempFolder("cli-explain-sql");
        var result = GlintCli.Run(dir["home"], "explain", "--sql", "SELECT customer, count(*) FROM sales WHERE day = DATE '2024-01-02' GROUP BY customer",
            "--source", Sales, "--set", "shuffle_partitions=3");
        Assert.True(result.ExitCode == 0, result.All);
        Assert.Contains("== Logical plan ==", result.Output);
        Assert.Contains("Aggregate by [customer#1]", result.Output);
        Assert.Contains("shuffle by hash(\"customer#1\") into 3 buckets", result.Output);
        Assert.Matches(@"Scan parquet \S+sales_parquet \(\d files", result.Output);
        Assert.False(Directory.Exists(dir["home/scratch"]) && Directory.EnumerateFileSystemEntries(dir["home/scratch"]).Any());
    }

    [Theory]
    [InlineData("DROP TABLE sales", "only a SELECT statement")]
    [InlineData("SELECT * FROM read_csv('/etc/passwd')", "the table function read_csv(…) in FROM")]
    [InlineData("SELECT nope FROM sales", "column 'nope' not found in SELECT")]
    public void Refused_statements_print_one_clear_line_and_exit_non_zero(string query, string message)
    {
        using var dir = new TempFolder("cli-sql-bad");
        var result = GlintCli.Run(dir["home"], "sql", query, "--source", Sales);
        Assert.Equal(1, result.ExitCode);
        Assert.Contains(message, result.All.ReplaceLineEndings(" ").Replace("  ", " "));
        Assert.DoesNotContain("   at ", result.All);
    }

    [Fact]
    public void A_malformed_source_option_is_an_error()
    {
        using var dir = new TempFolder("cli-sql-source");
        var result = GlintCli.Run(dir["home"], "sql", "SELECT 1 FROM sales", "--source", "sales");
        Assert.Equal(1, result.ExitCode);
        Assert.Contains("--source takes name=path[:format]", result.All);
    }
}
