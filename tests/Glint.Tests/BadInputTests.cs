using Glint.Api;
using Glint.Common;
using Glint.Execution;
using Glint.Jobs;
using Glint.Tests.Support;

namespace Glint.Tests;

/// <summary>User mistakes get a typed error naming the thing at fault, before any task runs.</summary>
public sealed class BadInputTests
{
    private static readonly string Sales = Datasets.Path("sales_parquet");
    private readonly GlintSession session = new(new SessionOptions { Home = Path.Combine(Path.GetTempPath(), "glint-tests", "bad-input-home") });

    [Fact]
    public void Missing_path()
    {
        var e = Assert.Throws<SourceException>(() => session.Read.Parquet("/nonexistent/sales"));
        Assert.Contains("'/nonexistent/sales' does not exist", e.Message);
    }

    [Fact]
    public void Empty_folder()
    {
        using var dir = new TempFolder();
        Directory.CreateDirectory(dir["empty/_hidden"]);
        var e = Assert.Throws<SourceException>(() => session.Read.Parquet(dir["empty"]));
        Assert.Contains("contains no data files", e.Message);
    }

    [Fact]
    public void Glob_matching_nothing()
    {
        var e = Assert.Throws<SourceException>(() => session.Read.Parquet(Sales + "/*/*.csv"));
        Assert.Contains("matches no data files", e.Message);
    }

    [Fact]
    public void Unreadable_file_at_plan_time()
    {
        using var dir = new TempFolder();
        File.WriteAllText(dir["x.parquet"], "garbage");
        var e = Assert.Throws<SourceException>(() => session.Read.Parquet(dir["x.parquet"]));
        Assert.Contains("x.parquet", e.Message);
    }

    [Theory]
    [InlineData("amout > 5", "amout")]
    [InlineData("customerr = 'c1'", "customerr")]
    public void Unknown_column_in_filter_names_the_column_and_suggests_one(string condition, string column)
    {
        var e = Assert.Throws<PlanException>(() => session.Read.Parquet(Sales).Filter(condition));
        Assert.Contains(column, e.Message);
        Assert.Contains("did you mean", e.Message);
    }

    [Fact]
    public void Filter_that_is_not_boolean()
    {
        var e = Assert.Throws<PlanException>(() => session.Read.Parquet(Sales).Filter("amount + 1"));
        Assert.Contains("boolean", e.Message);
        Assert.Contains("DOUBLE", e.Message);
    }

    [Fact]
    public void Expression_that_does_not_type_check()
    {
        var e = Assert.Throws<PlanException>(() => session.Read.Parquet(Sales).Select("id", "ts + customer AS nonsense"));
        Assert.Contains("ts + customer", e.Message);
    }

    [Fact]
    public void Duplicate_output_columns()
    {
        var e = Assert.Throws<PlanException>(() => session.Read.Parquet(Sales).Select("id", "qty AS id"));
        Assert.Contains("two columns named 'id'", e.Message);
    }

    [Theory]
    [InlineData("SELECT customer, sum(amount) FROM input GROUP BY customer", "GROUP BY")]
    [InlineData("SELECT count(*) FROM input", "count")]
    [InlineData("SELECT * FROM input ORDER BY id", "ORDER BY")]
    [InlineData("SELECT * FROM input LIMIT 5", "LIMIT")]
    [InlineData("SELECT id, row_number() OVER (ORDER BY id) FROM input", "window")]
    [InlineData("SELECT DISTINCT customer FROM input", "DISTINCT")]
    [InlineData("SELECT * FROM other_table", "other_table")]
    [InlineData("SELECT * FROM input UNION SELECT * FROM input", "UNION")]
    public void Map_sql_refuses_what_needs_more_than_one_partition(string sql, string named)
    {
        var e = Assert.Throws<PlanException>(() => session.Read.Parquet(Sales).MapSql(sql));
        Assert.Contains(named, e.Message, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public void Sql_injection_through_an_expression_is_refused()
    {
        var e = Assert.Throws<PlanException>(() => session.Read.Parquet(Sales).Filter("true); DROP TABLE x; SELECT (1"));
        Assert.Contains("must be a single expression", e.Message);
    }

    [Fact]
    public void Aggregates_in_a_narrow_expression_are_refused()
    {
        var e = Assert.Throws<PlanException>(() => session.Read.Parquet(Sales).WithColumn("total", "sum(amount)"));
        Assert.Contains("sum", e.Message);
    }

    [Fact]
    public void Unknown_format_worker_type_setting_and_mode()
    {
        Assert.Contains("'avro'", Assert.Throws<ConfigException>(() => session.Read.Format("avro")).Message);
        Assert.Contains("'G.3X'", Assert.Throws<ConfigException>(() => WorkerType.Parse("G.3X")).Message);
        Assert.Contains("'max_partiton_bytes'", Assert.Throws<ConfigException>(() => new GlintSettings().With("max_partiton_bytes", "1")).Message);
        Assert.Contains("'sometimes'", Assert.Throws<ConfigException>(() => session.Read.Parquet(Sales).Write().Mode("sometimes")).Message);
        Assert.Contains("'12XB'", Assert.Throws<ConfigException>(() => new GlintSettings().With("max_partition_bytes", "12XB")).Message);
    }

    [Fact]
    public void Unknown_partition_column_on_write()
    {
        using var dir = new TempFolder();
        var e = Assert.Throws<PlanException>(() => session.Read.Parquet(Sales).Write().PartitionBy("dya").Save(dir["out"]));
        Assert.Contains("'dya'", e.Message);
        Assert.False(Directory.Exists(dir["out"]));
    }

    [Fact]
    public void Target_inside_a_source_is_refused()
    {
        var e = Assert.Throws<TargetException>(() => session.Read.Parquet(Sales).Write().Save(Path.Combine(Sales, "out")));
        Assert.Contains("overlaps source", e.Message);
        Assert.False(Directory.Exists(Path.Combine(Sales, "out")));
    }

    [Fact]
    public void Union_of_different_widths()
    {
        var a = session.Read.Parquet(Sales).Select("id");
        var b = session.Read.Parquet(Sales).Select("id", "qty");
        Assert.Contains("1 and 2 columns", Assert.Throws<PlanException>(() => a.Union(b)).Message);
    }

    [Fact]
    public void Malformed_job_specs_name_line_and_key()
    {
        var e = Assert.Throws<SpecException>(() => JobSpecLoader.Parse("name: x\nsources:\n  s: { path: a, formt: csv }\n", "/tmp"));
        Assert.Contains("line 3", e.Message);
        Assert.Contains("formt", e.Message);

        e = Assert.Throws<SpecException>(() => JobSpecLoader.Parse(
            "name: x\nsources: { s: { path: a } }\ntransforms:\n  - { name: t, from: nope, filter: 'x > 1' }\ntargets: [ { from: t, path: out } ]\n", "/tmp"));
        Assert.Contains("'nope'", e.Message);

        e = Assert.Throws<SpecException>(() => JobSpecLoader.Parse(
            "name: x\nsources: { s: { path: a } }\ntransforms:\n  - { name: t, from: s, filter: 'x > 1', limit: 3 }\ntargets: [ { from: t, path: out } ]\n", "/tmp"));
        Assert.Contains("exactly one of", e.Message);
    }

    private static SpecException SpecError(string yaml) => Assert.Throws<SpecException>(() => JobSpecLoader.Parse(yaml, "/tmp"));

    [Fact]
    public void A_mistyped_key_is_named_with_its_line_the_closest_key_and_no_dotnet_names()
    {
        var e = SpecError("name: x\nsources:\n  s: { path: a, fromat: parquet }\ntargets: [ { from: s, path: out } ]\n");
        Assert.Contains("line 3, column 17: unknown key 'fromat' in source 's'; did you mean \"format\"?", e.Message);
        Assert.DoesNotContain("SourceSpec", e.Message);
        Assert.DoesNotContain("'\'", e.Message);
        e = SpecError("name: x\nsources: { s: { path: a } }\ntransforms:\n  - { name: t, from: s, fitler: 'x > 1' }\ntargets: [ { from: t, path: out } ]\n");
        Assert.Contains("unknown key 'fitler' in transform #1; did you mean \"filter\"?", e.Message);
    }

    [Fact]
    public void A_value_of_the_wrong_shape_says_what_the_key_takes_in_yaml_terms()
    {
        var e = SpecError("name: x\nsources: { a: { path: a }, b: { path: b } }\ntransforms:\n  - { name: t, from: a, join: { with: b, on: \"a.x = b.y\" } }\ntargets: [ { from: t, path: out } ]\n");
        Assert.Contains("line 4", e.Message);
        Assert.Contains("'on' of 'join' of transform #1 takes a list of text values, e.g. [a, b], not a single value", e.Message);
        Assert.DoesNotContain("System.", e.Message);
        e = SpecError("name: x\nsources: [ a ]\ntargets: [ { from: a, path: out } ]\n");
        Assert.Contains("'sources' of the spec takes a mapping (key: value), not a list", e.Message);
        e = SpecError("name: [x]\nsources: { a: { path: a } }\ntargets: [ { from: a, path: out } ]\n");
        Assert.Contains("'name' of the spec takes a text value, not a list", e.Message);
    }

    [Fact]
    public void A_key_given_twice_is_an_error_naming_both_lines_not_last_wins()
    {
        var e = SpecError("name: x\nsources: { s: { path: a } }\ntransforms:\n  - name: t\n    from: s\n    filter: \"a > 1\"\n    filter: \"b > 2\"\ntargets: [ { from: t, path: out } ]\n");
        Assert.Contains("line 7", e.Message);
        Assert.Contains("'filter' is given twice in transform #1 (first on line 6)", e.Message);
    }

    [Fact]
    public void Join_keys_named_differently_on_each_side_pair_up_in_order()
    {
        var left = session.Read.Parquet(Sales).Select("id", "customer");
        var right = session.Read.Parquet(Datasets.Path("customers")).Select("customer AS cust_id", "segment");
        var joined = left.Join(right, leftOn: ["customer"], rightOn: ["cust_id"]);
        Assert.Equal(["id", "customer", "cust_id", "segment"], joined.Schema.Names);
        Assert.Contains("as many left keys as right keys", Assert.Throws<PlanException>(() => left.Join(right, leftOn: ["customer", "id"], rightOn: ["cust_id"])).Message);
        var typed = session.Read.Parquet(Datasets.Path("customers")).Select("credit");
        Assert.Contains("key 'customer' is VARCHAR on the left but 'credit' is BIGINT on the right",
            Assert.Throws<PlanException>(() => left.Join(typed, leftOn: ["customer"], rightOn: ["credit"])).Message);
        Assert.Contains("1 left_on key(s) but 2 right_on",
            SpecError("name: x\nsources: { a: { path: a }, b: { path: b } }\ntransforms:\n  - { name: t, from: a, join: { with: b, left_on: [x], right_on: [y, z] } }\ntargets: [ { from: t, path: out } ]\n").Message);
    }

    [Theory]
    [InlineData("_day")]
    [InlineData(".day")]
    public void A_partition_column_whose_folders_readers_would_hide_is_refused_before_any_task(string column)
    {
        using var dir = new TempFolder("hidden-partition");
        var frame = session.Read.Parquet(Sales).Select("id", $"day AS \"{column}\"");
        var e = Assert.Throws<TargetException>(() => frame.Write().PartitionBy(column).Save(dir["out"]));
        Assert.Contains($"partition column '{column}' would write folders named {column}=…, which readers skip as hidden", e.Message);
        Assert.False(Directory.Exists(dir["out"]));
    }

    [Fact]
    public void Join_keys_of_incompatible_types()
    {
        var left = session.Read.Parquet(Sales).Select("id", "customer");
        var right = session.Read.Parquet(Sales).Select("CAST(id AS VARCHAR) AS id", "qty");
        var e = Assert.Throws<PlanException>(() => left.Join(right, on: ["id"]));
        Assert.Contains("'id' is BIGINT on the left but VARCHAR on the right", e.Message);
    }

    [Fact]
    public void Ambiguous_columns_after_a_join()
    {
        var left = session.Read.Parquet(Sales).Select("id", "customer", "qty");
        var right = session.Read.Parquet(Sales).Select("customer", "qty");
        var e = Assert.Throws<PlanException>(() => left.Join(right, on: ["customer"]));
        Assert.Contains("[qty]", e.Message);
        Assert.Contains("ambiguous", e.Message);
    }

    [Fact]
    public void Aggregate_that_does_not_type_check()
    {
        var e = Assert.Throws<PlanException>(() => session.Read.Parquet(Sales).GroupBy("customer").Agg("sum(note) AS s"));
        Assert.Contains("sum", e.Message);
        Assert.Throws<PlanException>(() => session.Read.Parquet(Sales).GroupBy("custmer").Agg("count(*) AS n"));
    }

    [Fact]
    public void Window_without_over_and_window_without_partition_keys()
    {
        Assert.Contains("OVER", Assert.Throws<PlanException>(() => session.Read.Parquet(Sales).Window("upper(note) AS u")).Message);
        var global = session.Read.Parquet(Sales).Window("row_number() OVER (ORDER BY id) AS rn");
        Assert.Contains("WARNING", global.Explain());
        Assert.Contains("one task", global.Explain());
    }

    [Fact]
    public void Unknown_join_type()
    {
        var frame = session.Read.Parquet(Sales);
        Assert.Contains("'sideways'", Assert.Throws<ConfigException>(() => frame.Join(frame.Select("customer"), on: ["customer"], how: "sideways")).Message);
    }

    [Fact]
    public void Inconsistent_partition_folders()
    {
        using var dir = new TempFolder();
        var files = Directory.GetFiles(Sales, "*.parquet", SearchOption.AllDirectories);
        Directory.CreateDirectory(dir["in/day=2024-01-01"]);
        File.Copy(files[0], dir["in/day=2024-01-01/a.parquet"]);
        File.Copy(files[1], dir["in/b.parquet"]);
        Assert.Contains("inconsistent partition folders", Assert.Throws<SourceException>(() => session.Read.Parquet(dir["in"])).Message);
    }
}
