using Glint.Api;
using Glint.Common;
using Glint.Execution;
using Glint.Tests.Support;

namespace Glint.Tests;

/// <summary>
/// SQL that is not a SELECT, or that reaches outside the declared inputs, is refused; unknown tables
/// and columns, ambiguous and ungrouped columns are named with where they appear — all at planning,
/// before any task runs.
/// </summary>
public sealed class SqlBadInputTests
{
    private readonly GlintSession session = new(new SessionOptions { Home = Path.Combine(Path.GetTempPath(), "glint-tests", "sql-bad-input-home") });

    private Dictionary<string, DataFrame> Inputs() => new()
    {
        ["sales"] = session.Read.Parquet(Datasets.Path("sales_parquet")),
        ["customers"] = session.Read.Parquet(Datasets.Path("customers")),
    };

    private PlanException Refused(string sql) => Assert.Throws<PlanException>(() => session.Sql(sql, Inputs()));

    [Theory]
    [InlineData("CREATE TABLE t (a INTEGER)", "CREATE")]
    [InlineData("INSERT INTO sales SELECT * FROM sales", "INSERT")]
    [InlineData("COPY sales TO '/tmp/glint-stolen.csv'", "COPY")]
    [InlineData("PRAGMA database_list", "PRAGMA")]
    [InlineData("ATTACH '/tmp/other.db' AS other", "ATTACH")]
    [InlineData("DELETE FROM sales", "DELETE")]
    [InlineData("SET threads = 64", "SET")]
    public void Statements_other_than_SELECT_are_refused(string sql, string keyword)
    {
        var e = Refused(sql);
        Assert.Contains("only a SELECT statement", e.Message);
        Assert.Contains($"'{keyword}'", e.Message);
    }

    [Theory]
    [InlineData("SELECT * FROM read_csv('/etc/passwd')", "read_csv")]
    [InlineData("SELECT * FROM sales WHERE customer IN (SELECT column0 FROM read_csv('/etc/passwd'))", "read_csv")]
    [InlineData("SELECT * FROM read_parquet('/tmp/*.parquet')", "read_parquet")]
    [InlineData("SELECT * FROM sales, glob('/home/*') g", "glob")]
    public void Table_functions_that_read_outside_the_inputs_are_refused(string sql, string function)
    {
        var e = Refused(sql);
        Assert.Contains($"the table function {function}(…)", e.Message);
        Assert.Contains("may read only the declared inputs (sales, customers)", e.Message);
    }

    [Fact]
    public void Schema_qualified_names_are_catalog_tables_and_a_missing_one_is_named_as_missing()
    {
        var e = Assert.Throws<CatalogException>(() => session.Sql("SELECT * FROM information_schema.tables", Inputs()));
        Assert.Contains("table 'information_schema.tables' does not exist", e.Message);
        Assert.Contains("no database 'information_schema'", e.Message);
        Assert.DoesNotContain("refused", e.Message);
        var threePart = Refused("SELECT * FROM memory.main.sales");
        Assert.Contains("may read only the declared inputs", threePart.Message);
    }

    [Fact]
    public void A_mistyped_catalog_table_lists_the_databases_tables_and_the_closest()
    {
        using var dir = new TempFolder("sql-catalog-typo");
        var home = new GlintSession(new SessionOptions { Home = dir["home"] });
        using (var store = Glint.Catalog.Metastores.Open(null, dir["home"]))
        {
            store.CreateDatabase("lake");
            foreach (var name in new[] { "flights", "airports" })
                store.CreateTable("lake", name, Glint.Catalog.TableDefinition.Create(dir[name], "parquet", [new("id", "BIGINT")]));
        }
        var e = Assert.Throws<CatalogException>(() => home.Sql("SELECT * FROM lake.flightz", new Dictionary<string, DataFrame>()));
        Assert.Contains("table 'lake.flightz' does not exist", e.Message);
        Assert.Contains("did you mean \"flights\"", e.Message);
        Assert.Contains("tables in 'lake': airports, flights", e.Message);
    }

    [Theory]
    [InlineData("SELECT id FROM sales LIMIT 5 OFFSET 9223372036854775807", 0)]
    [InlineData("SELECT id FROM sales LIMIT 9223372036854775807 OFFSET 3", -3)]
    public void Limits_and_offsets_up_to_the_largest_integer_mean_what_they_say(string sql, int fromAll)
    {
        var all = session.Sql("SELECT id FROM sales", Inputs()).Count();
        Assert.Equal(fromAll == 0 ? 0 : all + fromAll, session.Sql(sql, Inputs()).Count());
    }

    [Fact]
    public void Unknown_table_is_named_with_its_position_and_the_inputs()
    {
        var e = Refused("SELECT * FROM salez");
        Assert.Equal("salez", e.Subject);
        Assert.Contains("unknown table 'salez' in FROM at character 15", e.Message);
        Assert.Contains("the declared inputs are: sales, customers", e.Message);
    }

    [Fact]
    public void Unknown_column_is_named_with_its_clause_and_position()
    {
        var e = Refused("SELECT id FROM sales WHERE amont > 5");
        Assert.Equal("amont", e.Subject);
        Assert.Contains("column 'amont' not found in WHERE at character 28", e.Message);
        // Every column of the input, not only those the query names (the scan reads only those).
        Assert.Contains("(columns: sales.id, sales.customer", e.Message);
        Assert.Contains("sales.amount", e.Message);
        Assert.Contains("did you mean \"amount\"?", e.Message);
    }

    [Fact]
    public void Unknown_qualified_column_in_a_join()
    {
        var e = Refused("SELECT s.id, c.segmnt FROM sales s JOIN customers c ON s.customer = c.customer");
        Assert.Equal("c.segmnt", e.Subject);
        Assert.Contains("column 'c.segmnt' not found in SELECT", e.Message);
    }

    [Fact]
    public void Ambiguous_column_names_both_candidates()
    {
        var e = Refused("SELECT customer FROM sales s JOIN customers c ON s.customer = c.customer");
        Assert.Contains("column reference 'customer' is ambiguous in SELECT at character 8", e.Message);
        Assert.Contains("s.customer or c.customer", e.Message);
    }

    [Fact]
    public void Column_neither_grouped_nor_aggregated()
    {
        var e = Refused("SELECT customer, amount, sum(qty) FROM sales GROUP BY customer");
        Assert.Contains("column 'sales.amount' in SELECT must appear in GROUP BY or be used in an aggregate function", e.Message);
    }

    [Fact]
    public void Expression_that_does_not_type_check()
    {
        var e = Refused("SELECT id FROM sales WHERE ts + 'x'");
        Assert.Contains("ts", e.Message);
    }

    [Fact]
    public void Join_keys_of_different_types()
    {
        var e = Refused("SELECT * FROM sales s JOIN customers c ON s.ts = c.credit");
        Assert.Contains("cannot compare", e.Message);
        Assert.Contains("TIMESTAMP", e.Message);
    }

    [Fact]
    public void Correlated_condition_a_scalar_subquery_cannot_decorrelate()
    {
        var e = Refused("SELECT c.customer FROM customers c WHERE c.credit < (SELECT max(s.amount) FROM sales s WHERE s.amount > c.credit)");
        Assert.Contains("correlated condition", e.Message);
        Assert.Contains("must be an equality", e.Message);
    }

    [Fact]
    public void Correlated_reference_outside_WHERE()
    {
        var e = Refused("SELECT c.customer, (SELECT max(s.amount) + c.credit FROM sales s WHERE s.customer = c.customer) AS m FROM customers c");
        Assert.Contains("correlated reference to 'c.credit' in SELECT at character 44", e.Message);
    }

    [Fact]
    public void Scalar_subquery_that_may_return_several_rows()
    {
        var e = Refused("SELECT id FROM sales WHERE amount > (SELECT credit FROM customers)");
        Assert.Contains("may return more than one row", e.Message);
    }

    [Fact]
    public void Several_statements()
    {
        var e = Refused("SELECT 1 FROM sales; SELECT 2 FROM sales");
        Assert.Contains("exactly one SELECT statement, not 2", e.Message);
    }

    [Fact]
    public void Syntax_error()
    {
        var e = Refused("SELEC id FROM sales");
        Assert.Contains("syntax error", e.Message);
    }

    [Fact]
    public void Recursive_CTE_is_refused_by_name()
    {
        var e = Refused("WITH RECURSIVE r(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM r WHERE n < 3) SELECT * FROM r");
        Assert.Contains("RECURSIVE", e.Message);
    }
}
