using System.Diagnostics;
using System.Globalization;
using DuckDB.NET.Data;
using Glint.Api;
using Glint.Catalog;
using Glint.Execution;
using Glint.Plan;
using static Glint.Bench.Measure;

namespace Glint.Bench;

/// <summary>
/// Planning a read of one of 10,000 partitions: through the catalog (partitions pruned in the
/// metastore, one folder listed) against reading the folder (every folder listed, then pruned).
/// </summary>
internal static class CatalogBench
{
    private const int Partitions = 10_000;

    public static void Run(BenchOptions o, DuckDBConnection duckdb)
    {
        var (folder, metastore) = Prepare(o, duckdb);
        var session = new GlintSession(new SessionOptions { Home = Path.Combine(o.Data, "home"), Metastore = metastore });
        PhysicalPlan Plan(DataFrame frame) => session.Plan([new PlannedAction(frame.Plan, new CollectSink())]);
        int viaCatalog = 0, viaListing = 0;
        var times = Interleaved(o.Repeat,
            () => viaCatalog = Files(Plan(session.Table("bench.partitions_10000", "k = 4242"))),
            () => viaListing = Files(Plan(session.Sql("SELECT * FROM parts WHERE k = 4242",
                new Dictionary<string, DataFrame> { ["parts"] = session.Read.Parquet(folder) }))));
        if (viaCatalog != viaListing) throw new InvalidOperationException($"catalog planned {viaCatalog} files, listing {viaListing}");
        Console.WriteLine($"\n(catalog) plan a read of 1 of {Partitions:N0} partitions ({viaCatalog} file)");
        Console.WriteLine($"  {"through the catalog (pruned in the metastore, one folder listed)",-70} {Seconds(times[0])} s");
        Console.WriteLine($"  {"reading the folder (10,000 folders listed, then pruned)",-70} {Seconds(times[1])} s");
        Console.WriteLine($"ratio listing/catalog = {(times[1] / times[0]).ToString("0.0", CultureInfo.InvariantCulture)}");
    }

    /// <summary>The folder of 10,000 <c>k=</c> partitions and a metastore where it is crawled as <c>bench.partitions_10000</c> (made once, reused).</summary>
    public static (string Folder, string Metastore) Prepare(BenchOptions o, DuckDBConnection duckdb)
    {
        var folder = Path.Combine(o.Data, "partitions-10000");
        var metastore = Path.Combine(o.Data, "partitions-10000.metastore.db");
        var marker = Path.Combine(folder, "_complete");
        if (File.Exists(marker)) return (folder, metastore);
        if (Directory.Exists(folder)) Directory.Delete(folder, true);
        if (File.Exists(metastore)) File.Delete(metastore);
        Console.WriteLine($"generating {Partitions:N0} partitions in {folder} …");
        var clock = Stopwatch.StartNew();
        Execute(duckdb, $"COPY (SELECT range % {Partitions} AS k, range AS id, range * 0.5 AS amount FROM range({Partitions * 10})) " +
                        $"TO '{folder}' (FORMAT PARQUET, PARTITION_BY (k))");
        Console.WriteLine($"generated in {clock.Elapsed.TotalSeconds:0.0} s; crawling …");
        clock.Restart();
        using (var store = Metastores.Open(metastore, o.Data))
        {
            var result = new FolderCrawler(store, new CrawlerOptions("bench")).Crawl(folder);
            Console.WriteLine($"crawled {result.PartitionsAdded:N0} partitions in {clock.Elapsed.TotalSeconds:0.0} s");
        }
        File.WriteAllText(marker, "");
        return (folder, metastore);
    }

    private static int Files(PhysicalPlan plan) =>
        plan.Stages.SelectMany(s => s.Pipelines).Select(p => p.Input).OfType<ScanInput>().Sum(s => s.Source.Files.Length);
}
