using Glint.Api;
using Glint.Catalog;
using Glint.Common;
using Glint.Execution;
using Glint.Jobs;
using Glint.Storage;
using Glint.Tests.Support;

namespace Glint.Tests;

/// <summary>
/// Targets by identity, arguments as values, inputs only, secrets never stored: each refusal is one line naming the
/// path, argument, table or key, comes before any task, and leaves every file and metastore row as it was.
/// </summary>
public sealed class TargetSafetyTests
{
    private static void Data(string folder, int rows = 50)
    {
        Directory.CreateDirectory(folder);
        Reference.Execute($"COPY (SELECT range AS id, CASE WHEN range % 2 = 0 THEN 'LAS' ELSE 'SFO' END AS origin FROM range({rows})) TO '{folder}/data.parquet' (FORMAT PARQUET)");
    }

    private static string Spec(TempFolder dir, string targets, string transforms = "", string name = "job.yaml")
    {
        File.WriteAllText(dir[name], $$"""
            name: safety
            sources:
              src: { path: {{dir["in"]}} }
            {{(transforms.Length == 0 ? "" : "transforms:\n  " + transforms)}}
            targets:
            {{targets}}
            """);
        return dir[name];
    }

    private static void AssertRefused(GlintCli.Result result, string expected)
    {
        Assert.Equal(1, result.ExitCode);
        Assert.Contains(expected, result.All);
        Assert.DoesNotContain("   at ", result.All); // no stack trace
    }

    [Fact]
    public void A_target_that_is_a_symlink_to_the_source_folder_is_refused_and_the_source_is_untouched()
    {
        using var dir = new TempFolder("alias-symlink");
        Data(dir["in"]);
        Directory.CreateSymbolicLink(dir["link"], dir["in"]);
        var before = TreeSnapshot.Of(dir["in"]);
        var run = GlintCli.Run(dir["home"], "run", Spec(dir, $"  - {{ from: src, path: {dir["link"]}, mode: overwrite }}"));
        AssertRefused(run, "overlaps source");
        Assert.Contains($"really '{dir["in"]}'", run.All);
        Assert.Equal(before, TreeSnapshot.Of(dir["in"]));
    }

    [Fact]
    public void Nested_targets_equal_targets_spelled_differently_and_dot_dot_paths_are_refused_before_any_task()
    {
        using var dir = new TempFolder("alias-nested");
        Data(dir["in"]);
        Data(dir["out"]); // existing data in the outer target
        var before = TreeSnapshot.Of(dir["out"]);
        AssertRefused(GlintCli.Run(dir["home"], "run", Spec(dir,
            $"  - {{ from: src, path: {dir["out"]}, mode: overwrite }}\n  - {{ from: src, path: {dir["out/inner"]}, mode: overwrite }}")), "lies inside target");
        AssertRefused(GlintCli.Run(dir["home"], "run", Spec(dir,
            $"  - {{ from: src, path: {dir["out"]}, mode: overwrite }}\n  - {{ from: src, path: {dir["out"]}/, mode: overwrite }}")), "two targets write the same folder");
        AssertRefused(GlintCli.Run(dir["home"], "run", Spec(dir,
            $"  - {{ from: src, path: {dir["out"]}/../in, mode: overwrite }}")), "overlaps source");
        Assert.Equal(before, TreeSnapshot.Of(dir["out"]));
        Assert.False(Directory.Exists(dir["out/inner"]));
        Assert.False(Directory.Exists(Path.Combine(dir["home"], "runs")) && Directory.GetFiles(Path.Combine(dir["home"], "runs"), "*.json").Length > 0);
    }

    [Fact]
    public void A_quote_in_an_argument_is_a_value_in_the_filter_not_sql()
    {
        using var dir = new TempFolder("arg-quote");
        Data(dir["in"]);
        var spec = Spec(dir, $"  - {{ from: f, path: {dir["out"]}, format: csv }}", "- { name: f, from: src, filter: \"origin = '${origin}'\" }");
        var injected = GlintCli.Run(dir["home"], "run", spec, "--arg", "origin=LAS' OR '1'='1");
        Assert.True(injected.ExitCode == 0, injected.All);
        Assert.Contains("/ 0", injected.Output); // no row has that origin: the quote did not turn the filter into a tautology
        var plain = GlintCli.Run(dir["home"], "run", Spec(dir, $"  - {{ from: f, path: {dir["out2"]}, format: csv }}",
            "- { name: f, from: src, filter: \"origin = '${origin}'\" }", "plain.yaml"), "--arg", "origin=LAS");
        Assert.Contains("50 / 25", plain.Output);
        Assert.Equal("origin = 'LAS'' OR ''1''=''1'",
            JobSpecLoader.Parse(SpecArguments.Apply(File.ReadAllText(spec), new Dictionary<string, string> { ["origin"] = "LAS' OR '1'='1" }, "t"), dir.Path)
                .Transforms[0].Filter);
        // Standing alone, a value is bound as a literal: a number as a number, text as a quoted string.
        Assert.Equal("k > 5 AND origin = 'LAS'", Bind("k > ${n} AND origin = ${o}", ("n", "5"), ("o", "LAS")));
        Assert.Equal("origin = 'x''; DROP TABLE t; --'", Bind("origin = ${o}", ("o", "x'; DROP TABLE t; --")));
    }

    private static string Bind(string filter, params (string Name, string Value)[] arguments)
    {
        var yaml = $"name: t\nsources: {{ s: {{ path: /x }} }}\ntransforms:\n  - {{ name: f, from: s, filter: \"{filter}\" }}\ntargets: [ {{ from: f, path: /y }} ]\n";
        return JobSpecLoader.Parse(SpecArguments.Apply(yaml, arguments.ToDictionary(a => a.Name, a => a.Value), "t"), "/").Transforms[0].Filter!;
    }

    [Fact]
    public void A_path_argument_cannot_climb_out_with_dot_dot_and_an_unset_argument_is_named()
    {
        using var dir = new TempFolder("arg-path");
        Data(dir["in"]);
        Data(dir["victim"]);
        var before = TreeSnapshot.Of(dir["victim"]);
        var spec = Spec(dir, "  - { from: src, path: \"out/${out}\", mode: overwrite }");
        var climbed = GlintCli.Run(dir["home"], "run", spec, "--arg", "out=../victim");
        AssertRefused(climbed, "the argument 'out' ('../victim') is used in 'targets.path' and may not climb out of its folder");
        Assert.Equal(before, TreeSnapshot.Of(dir["victim"]));
        AssertRefused(GlintCli.Run(dir["home"], "run", spec), "uses the argument ${out}, which has no value; pass --arg out=");
        Assert.Equal(0, GlintCli.Run(dir["home"], "run", spec, "--arg", "out=day1").ExitCode);
        Assert.True(File.Exists(dir["out/day1/_SUCCESS"]));
        // A value cannot change the YAML around it either: it stays one scalar.
        var yaml = SpecArguments.Apply("name: ${n}\nsources: {}\n", new Dictionary<string, string> { ["n"] = "x\ntargets: [evil]" }, "t");
        Assert.Equal("name: \"x\\ntargets: [evil]\"\nsources: {}\n", yaml);
    }

    [Fact]
    public void A_cte_named_like_a_file_cannot_read_that_file()
    {
        using var dir = new TempFolder("cte-shadow");
        Data(dir["in"]);
        File.WriteAllText(dir["secret.csv"], "password\nhunter2\n");
        var secret = dir["secret.csv"];
        var session = new GlintSession(new SessionOptions { Home = dir["home"] });
        var input = session.Read.Parquet(dir["in"]);
        var shadow = Assert.Throws<PlanException>(() => input.MapSql($"WITH \"{secret}\" AS (SELECT * FROM \"{secret}\") SELECT input.* FROM input, \"{secret}\""));
        Assert.Contains($"reading table '{secret}'", shadow.Message);
        // In a later scope the name is no CTE at all.
        Assert.Throws<PlanException>(() => input.MapSql($"SELECT * FROM input WHERE id IN (WITH \"{secret}\" AS (SELECT 1 AS id) SELECT id FROM \"{secret}\") OR id IN (SELECT 1 FROM \"{secret}\")"));
        // An expression stays one expression: no set operation or WITH spliced into a filter.
        var spliced = Assert.Throws<PlanException>(() => input.Filter($"id > 0) UNION ALL SELECT * FROM input WHERE (id > 0"));
        Assert.Contains("must be a single expression", spliced.Message);
        // A CTE used properly still works.
        Assert.Equal(50, input.MapSql("WITH c AS (SELECT * FROM input) SELECT * FROM c").Count());
    }

    [Theory]
    [InlineData("Host=db;Username=etl;PSW=hunter2;Database=shop")]
    [InlineData("Host=db;Username=etl;Passwd=hunter2")]
    [InlineData("Host=db;Username=etl;Pass\\u0077ord=hunter2")]
    [InlineData("postgresql://etl:hunter2@db/shop")]
    [InlineData("postgresql://etl@db/shop?password=hunter2")]
    [InlineData("Host=db;Password='hunter2;TAIL'")]
    public void A_password_in_any_spelling_is_refused_in_a_stored_spec(string connection)
    {
        using var dir = new TempFolder("secrets");
        var spec = dir["job.yaml"];
        File.WriteAllText(spec, $"name: s\nsources:\n  o: {{ connection: \"{connection}\", options: {{ dbtable: orders }} }}\ntargets:\n  - {{ from: o, path: {dir["out"]} }}\n");
        var create = GlintCli.Run(dir["home"], "job", "create", "s", "--spec", spec);
        AssertRefused(create, "holds a password or secret");
        Assert.DoesNotContain("hunter2", create.All);
        Assert.DoesNotContain("TAIL", create.All);
        Assert.Contains("does not exist", GlintCli.Run(dir["home"], "job", "show", "s").All);
    }

    [Fact]
    public void Redaction_masks_every_alias_whole_and_run_arguments_holding_a_secret_are_refused()
    {
        Assert.Equal("Host=db;Password=***;Database=x", Redaction.Redact("Host=db;Password='a;TAIL';Database=x"));
        Assert.Equal("Host=db;PSW=***", Redaction.Redact("Host=db;PSW=hunter2"));
        Assert.Equal("PWD = ***;", Redaction.Redact("PWD = hunter2;"));
        Assert.Equal("postgresql://etl:***@db/shop?password=***", Redaction.Redact("postgresql://etl:hunter2@db/shop?password=hunter2"));
        Assert.Equal("aws_secret_access_key=***", Redaction.Redact("aws_secret_access_key=abc/def+ghi"));
        Assert.False(Redaction.HasSecret("Host=db;Username=etl;Database=shop"));

        using var dir = new TempFolder("secret-args");
        Data(dir["in"]);
        var spec = dir["db.yaml"];
        File.WriteAllText(spec, "name: d\nsources:\n  o: { connection: \"Host=db;Username=etl;Password=${pw}\", options: { dbtable: t } }\ntargets:\n  - { from: o, path: \"${out}\" }\n");
        Assert.Equal(0, GlintCli.Run(dir["home"], "job", "create", "j", "--spec", spec).ExitCode);
        AssertRefused(GlintCli.Run(dir["home"], "job", "start", "j", "--arg", $"out={dir["out"]}", "--arg", "pw=hunter2"), "the argument 'pw' holds a password or secret");
        AssertRefused(GlintCli.Run(dir["home"], "job", "start", "j", "--arg", $"out={dir["out"]};Password=hunter2"), "the argument 'out' holds a password or secret");
        using var store = Metastores.Open(null, dir["home"]);
        Assert.Empty((SqlJobStore.Of(store)).Runs("j"));
        Assert.False(Directory.Exists(dir["out"]));
    }

    [Fact]
    public void A_bookmarked_job_allows_one_run_at_a_time_and_a_second_writer_of_a_target_fails_before_any_task()
    {
        using var dir = new TempFolder("concurrency");
        Directory.CreateDirectory(dir["in"]);
        Reference.Execute($"COPY (SELECT range AS id, range % 3000 AS grp FROM range(300000) ORDER BY grp) TO '{dir["in/data.parquet"]}' (FORMAT PARQUET)");
        var spec = Spec(dir, $"  - {{ from: src, path: {dir["out"]}, mode: overwrite, partition_by: [grp] }}");
        AssertRefused(GlintCli.Run(dir["home"], "job", "create", "b", "--spec", spec, "--bookmark", "enable", "--max-concurrent-runs", "2"),
            "job 'b' keeps bookmarks, so it allows one run at a time");

        // A first writer holds the target from its start to the end of its commit; a second one is refused at once.
        using var first = GlintCli.Start(dir["home"], ["run", spec]);
        var runs = Path.Combine(dir["home"], "runs");
        var clock = System.Diagnostics.Stopwatch.StartNew();
        while (!(Directory.Exists(runs) && Directory.GetFiles(runs, "*.json").Length > 0) && !first.HasExited && clock.Elapsed < TimeSpan.FromMinutes(1))
            Thread.Sleep(5);
        var second = GlintCli.Run(dir["home"], "run", spec);
        first.WaitForExit();
        if (first.ExitCode == 0 && second.ExitCode == 1)
            Assert.Contains("is being written by run", second.All);
        else
            Assert.Fail($"first exit {first.ExitCode}, second exit {second.ExitCode}: {second.All}");
        Assert.Equal(300_000, new GlintSession(new SessionOptions { Home = dir["reader"] }).Read.Parquet(dir["out"]).Count());
    }
}
