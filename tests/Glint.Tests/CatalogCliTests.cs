using Glint.Catalog;
using Glint.Tests.Support;

namespace Glint.Tests;

/// <summary><c>glint crawl</c> and <c>glint catalog …</c> as users run them, and two glint processes updating one table.</summary>
[Trait("needs", "postgresql")]
public sealed class CatalogCliTests
{
    private static void Lake(string data)
    {
        foreach (var day in new[] { "2024-01-01", "2024-01-02" })
        {
            Directory.CreateDirectory($"{data}/sales/day={day}");
            Reference.Execute($"COPY (SELECT range AS id, range * 2.0 AS amount FROM range(5)) TO '{data}/sales/day={day}/part-0.parquet' (FORMAT PARQUET)");
        }
        File.WriteAllText($"{data}/sales/_SUCCESS", "");
    }

    [Fact]
    public void Crawl_then_list_show_and_read_partitions_at_the_terminal()
    {
        using var dir = new TempFolder("cli-crawl");
        Lake(dir["lake"]);
        var crawl = GlintCli.Run(dir["home"], "crawl", dir["lake"], "--database", "lake");
        Assert.True(crawl.ExitCode == 0, crawl.All);
        Assert.Contains("tables: 1 created", crawl.Output);
        Assert.Contains("partitions: 2 added", crawl.Output);
        Assert.True(File.Exists(dir["home/metastore.db"]), "the default metastore is a SQLite file under GLINT_HOME");

        var again = GlintCli.Run(dir["home"], "crawl", dir["lake"], "--database", "lake");
        Assert.Contains("tables: 0 created, 0 updated, 1 unchanged", again.Output);
        Assert.Contains("partitions: 0 added, 0 updated, 2 unchanged", again.Output);

        Assert.Contains("lake", GlintCli.Run(dir["home"], "catalog", "databases").Output);
        var tables = GlintCli.Run(dir["home"], "catalog", "tables", "lake").Output;
        Assert.Contains("sales", tables);
        Assert.Contains("parquet", tables);
        var show = GlintCli.Run(dir["home"], "catalog", "show", "lake.sales").Output;
        Assert.Contains("amount", show);
        Assert.Contains("DATE", show);
        var partitions = GlintCli.Run(dir["home"], "catalog", "partitions", "lake.sales").Output;
        Assert.Contains("2024-01-02", partitions);
        Assert.Contains("Active", partitions);
        var versions = GlintCli.Run(dir["home"], "catalog", "versions", "lake.sales").Output;
        Assert.Matches(@"│\s*1\s*│", versions);          // one version, numbered 1
        Assert.DoesNotMatch(@"│\s*2\s*│", versions);

        var sql = GlintCli.Run(dir["home"], "sql", "SELECT day, count(*) AS n FROM lake.sales WHERE day = DATE '2024-01-02' GROUP BY day");
        Assert.True(sql.ExitCode == 0, sql.All);
        Assert.Contains("2024-01-02", sql.Output);
        Assert.Contains("1 row", sql.Output);

        var missing = GlintCli.Run(dir["home"], "catalog", "show", "lake.nope");
        Assert.Equal(1, missing.ExitCode);
        Assert.Contains("table 'lake.nope' does not exist", missing.All);
        Assert.Equal(0, GlintCli.Run(dir["home"], "catalog", "drop", "lake.sales").ExitCode);
        Assert.DoesNotContain("sales", GlintCli.Run(dir["home"], "catalog", "tables", "lake").Output);
        Assert.True(File.Exists($"{dir["lake"]}/sales/day=2024-01-01/part-0.parquet"), "drop leaves the files");
    }

    [Fact]
    public void Bad_policies_are_named()
    {
        using var dir = new TempFolder("cli-crawl-bad");
        Lake(dir["lake"]);
        var result = GlintCli.Run(dir["home"], "crawl", dir["lake"], "--delete-policy", "FORGET");
        Assert.Equal(1, result.ExitCode);
        Assert.Contains("unknown delete policy 'FORGET'", result.All);
    }

    public static IEnumerable<object[]> Backends => [["sqlite"], ["postgresql"]];

    [Theory]
    [MemberData(nameof(Backends))]
    public async Task Two_processes_updating_one_table_lose_no_update(string backend)
    {
        using var dir = new TempFolder("cli-concurrent");
        var location = backend == "sqlite" ? dir["shared/metastore.db"] : Postgres.NewDatabase();
        using (var store = Metastores.Open(location, dir.Path))
        {
            store.CreateDatabase("lake");
            store.CreateTable("lake", "t", TableDefinition.Create("/data/t", "parquet", [new CatalogColumn("id", "BIGINT")]));
        }
        const int each = 30;
        string[] Args(string prefix) =>
            ["catalog", "set-parameter", "lake.t", .. Enumerable.Range(0, each).Select(i => $"{prefix}{i}=v"), "--metastore", location];
        var runs = await Task.WhenAll(new[] { "a", "b" }.Select(p => Task.Run(() => GlintCli.Run(dir["home"], Args(p)))));
        Assert.All(runs, r => Assert.True(r.ExitCode == 0, r.All));

        using var check = Metastores.Open(location, dir.Path);
        var table = check.FindTable("lake", "t")!;
        // Each process's pairs went in as one update (one version each), and neither lost the other's.
        Assert.Equal(2 * each, table.Definition.Parameters.Count);
        Assert.Equal(3, table.Version);
        Assert.Equal([1L, 2L, 3L], check.Versions("lake", "t").Select(v => v.Version));
    }

    [Fact]
    public void The_metastore_takes_a_postgresql_url_as_sources_do()
    {
        var b = new Npgsql.NpgsqlConnectionStringBuilder(Postgres.NewDatabase());
        var user = Uri.EscapeDataString(b.Username ?? Environment.UserName) + (string.IsNullOrEmpty(b.Password) ? "" : ":" + Uri.EscapeDataString(b.Password));
        var url = $"postgresql://{user}@{b.Host}:{b.Port}/{b.Database}";
        using var dir = new TempFolder("metastore-url");
        var result = GlintCli.Run(dir["home"], "catalog", "databases", "--metastore", url);
        Assert.True(result.ExitCode == 0, result.All);
        Assert.Equal("", result.Error);
    }
}
