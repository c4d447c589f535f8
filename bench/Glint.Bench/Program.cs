using System.Diagnostics;
using System.Globalization;
using DuckDB.NET.Data;
using Glint.Api;
using Glint.Bench;
using Glint.Common;
using Glint.Execution;
using Glint.Samples;
using static Glint.Bench.Measure;

// Glint's benchmark harness: times Glint jobs against one plain DuckDB instance running the same
// SQL with all its threads over the same files, in this same process, and prints the ratios.
if (args is ["--duckdb-process", var statement]) return ProcessBench.DuckDbProcess(statement);
var options = BenchArguments.Parse(args);
Console.WriteLine($"machine: {Environment.ProcessorCount} cores, {GC.GetGCMemoryInfo().TotalAvailableMemoryBytes / (1L << 30)} GB, {Environment.OSVersion}, .NET {Environment.Version}");
Console.WriteLine($"data: {options.Data}; repeats: {options.Repeat} (median reported)");

// The baseline instance is opened before any Glint slot, and kept: opening instances mid-run slows the others (NOTES.md).
using var duckdb = new DuckDBConnection("Data Source=:memory:");
duckdb.Open();

if (options.Scenarios.Contains("a")) NarrowEtl(options, duckdb);
if (options.Scenarios.Contains("b")) SmallFiles(options, duckdb);
if (options.Scenarios.Contains("c")) JoinAggregate(options, duckdb);
if (options.Scenarios.Contains("tpch")) TpchBench.Run(options, duckdb);
if (options.Scenarios.Contains("catalog")) CatalogBench.Run(options, duckdb);
if (options.Scenarios.Contains("glue-api")) GlueApiBench.Run(options, duckdb);
if (options.Scenarios.Contains("dq")) QualityBench.Run(options, duckdb);
if (options.Scenarios.Contains("stream")) StreamBench.Run(options, duckdb);
if (options.Scenarios.Contains("d")) BookmarkBench.Run(options, duckdb);
if (options.Scenarios.Contains("jdbc")) DatabaseBench.Run(options, duckdb);
if (options.Scenarios.Contains("a-s3")) ObjectStoreBench.Run(options, duckdb);
if (options.Scenarios.Contains("e")) AdaptiveBench.Skew(options, duckdb);
if (options.Scenarios.Contains("advisor")) AdaptiveBench.Advisor(options, duckdb);
if (options.Scenarios.Contains("cluster")) ClusterBench.Run(options, duckdb);
if (options.Scenarios.Contains("startup")) ProcessBench.Run(options);
return 0;

static void NarrowEtl(BenchOptions o, DuckDBConnection duckdb)
{
    var data = Path.Combine(o.Data, $"sales-{o.Rows}");
    Generate(data, () => SalesDataGenerator.Sales(data, o.Rows, days: 30, filesPerDay: 8));
    Console.WriteLine($"\n(a) narrow ETL: scan → filter → project → Parquet partitioned by day; {o.Rows:N0} rows, {Files(data)} files, {Size(data)}");
    const string where = "status = 'shipped' AND quantity > 1";
    string[] select = ["order_id", "customer_id", "product", "quantity", "round(amount * quantity, 2) AS revenue", "ts", "day"];
    var columns = string.Join(", ", select);
    var glintOut = Path.Combine(o.Data, "out-a-glint");
    var duckOut = Path.Combine(o.Data, "out-a-duckdb");
    var session = new GlintSession(new SessionOptions { Home = Path.Combine(o.Data, "home") });

    Glint.Execution.RunSummary? last = null;
    var times = Interleaved(o.Repeat, () =>
    {
        if (Directory.Exists(duckOut)) Directory.Delete(duckOut, true);
        Execute(duckdb, $"COPY (SELECT {columns} FROM read_parquet('{data}/**/*.parquet', hive_partitioning=true) WHERE {where}) " +
                        $"TO '{duckOut}' (FORMAT PARQUET, PARTITION_BY (day))");
    }, () =>
    {
        last = session.Read.Parquet(data).Filter(where).Select(select).Write()
            .Mode("overwrite").PartitionBy("day").Save(glintOut);
    });
    var (duck, glint) = (times[0], times[1]);
    Report("duckdb (threads=all, 1 query)", duck);
    Report($"glint ({last!.Tasks} tasks on {session.Options.Slots} slots, {last.FilesWritten} files)", glint);
    Console.WriteLine($"ratio glint/duckdb = {(glint / duck).ToString("0.00", CultureInfo.InvariantCulture)}");
}

static void SmallFiles(BenchOptions o, DuckDBConnection duckdb)
{
    var data = Path.Combine(o.Data, $"small-files-{o.SmallFiles}");
    // ~10 KB files: 20 days × 1,000 files of 400 rows each (by default).
    Generate(data, () => SalesDataGenerator.Sales(data, o.SmallFiles * 400L, days: 20, filesPerDay: o.SmallFiles / 20));
    Console.WriteLine($"\n(b) small files: {Files(data):N0} files, {Size(data)} (about {new DirectoryInfo(data).EnumerateFiles("*", SearchOption.AllDirectories).Average(f => f.Length) / 1024:0} KB each) → filter → project → one Parquet target");
    const string where = "quantity > 1";
    string[] select = ["order_id", "customer_id", "amount * quantity AS revenue", "day"];
    var columns = string.Join(", ", select);
    var duckOut = Path.Combine(o.Data, "out-b-duckdb.parquet");
    Action Job(bool group, Action<Glint.Execution.RunSummary> done)
    {
        var session = new GlintSession(new SessionOptions
        {
            Home = Path.Combine(o.Data, "home"),
            Settings = new GlintSettings { GroupFiles = group },
        });
        return () => done(session.Read.Parquet(data).Filter(where).Select(select).Write()
            .Mode("overwrite").Save(Path.Combine(o.Data, group ? "out-b-grouped" : "out-b-per-file")));
    }

    Glint.Execution.RunSummary g = null!, p = null!;
    var times = Interleaved(o.Repeat,
        () => Execute(duckdb, $"COPY (SELECT {columns} FROM read_parquet('{data}/**/*.parquet', hive_partitioning=true) WHERE {where}) TO '{duckOut}' (FORMAT PARQUET)"),
        Job(true, s => g = s));
    var (duck, grouped) = (times[0], times[1]);
    // One task per file takes a minute or more: one timed run after the warm-up.
    var perFile = Interleaved(1, Job(false, s => p = s))[0];
    Report("duckdb (threads=all, 1 query)", duck);
    Report($"glint grouped ({g.Tasks} tasks, {g.FilesWritten} files)", grouped);
    Report($"glint one task per file ({p.Tasks} tasks, {p.FilesWritten} files)", perFile);
    Console.WriteLine($"ratio glint-grouped/duckdb = {(grouped / duck).ToString("0.00", CultureInfo.InvariantCulture)}");
    Console.WriteLine($"speed-up grouped vs one task per file = {(perFile / grouped).ToString("0.0", CultureInfo.InvariantCulture)}×");
}

static void JoinAggregate(BenchOptions o, DuckDBConnection duckdb)
{
    var sales = Path.Combine(o.Data, $"sales-{o.Rows}");
    Generate(sales, () => SalesDataGenerator.Sales(sales, o.Rows, days: 30, filesPerDay: 8));
    var customers = Path.Combine(o.Data, "customers", "customers.parquet");
    if (!File.Exists(customers)) SalesDataGenerator.Customers(customers);
    Console.WriteLine($"\n(c) join + aggregate: {o.Rows:N0} sales ⋈ 10,000 customers → group by country, day → Parquet partitioned by day; local_exchange {o.LocalExchange}");
    var duckOut = Path.Combine(o.Data, "out-c-duckdb");
    Glint.Execution.RunSummary broadcast = null!, shuffle = null!;

    Action Job(long threshold, Action<Glint.Execution.RunSummary> done)
    {
        var session = new GlintSession(new SessionOptions
        {
            Home = Path.Combine(o.Data, "home"),
            Settings = o.Exchange(new GlintSettings { BroadcastThreshold = threshold }),
        });
        return () =>
        {
            var facts = session.Read.Parquet(sales).Select("customer_id", "amount", "day");
            var dims = session.Read.Parquet(customers).Select("customer_id", "country");
            done(facts.Join(dims, on: ["customer_id"]).GroupBy("country", "day")
                .Agg("count(*) AS orders", "sum(amount) AS revenue").Write().Mode("overwrite").PartitionBy("day")
                .Save(Path.Combine(o.Data, threshold < 0 ? "out-c-shuffle" : "out-c-broadcast")));
        };
    }

    var times = Interleaved(o.Repeat, () =>
    {
        if (Directory.Exists(duckOut)) Directory.Delete(duckOut, true);
        Execute(duckdb, $"COPY (SELECT country, day, count(*) AS orders, sum(amount) AS revenue " +
                        $"FROM read_parquet('{sales}/**/*.parquet', hive_partitioning=true) JOIN read_parquet('{customers}') USING (customer_id) " +
                        $"GROUP BY country, day) TO '{duckOut}' (FORMAT PARQUET, PARTITION_BY (day))");
    }, Job(10L << 20, s => broadcast = s), Job(-1, s => shuffle = s));
    Report("duckdb (threads=all, 1 query)", times[0]);
    Report($"glint broadcast join ({broadcast.Tasks} tasks, shuffle {Glint.Common.Bytes.Format(broadcast.ShuffleBytes)})", times[1]);
    Report($"glint shuffle join ({shuffle.Tasks} tasks, shuffle {Glint.Common.Bytes.Format(shuffle.ShuffleBytes)})", times[2]);
    Console.WriteLine($"ratio glint-broadcast/duckdb = {(times[1] / times[0]).ToString("0.00", CultureInfo.InvariantCulture)}");
    Console.WriteLine($"ratio glint-shuffle/duckdb = {(times[2] / times[0]).ToString("0.00", CultureInfo.InvariantCulture)}");
}

static void Generate(string folder, Action generate)
{
    var marker = Path.Combine(folder, "_complete");
    if (File.Exists(marker)) return;
    if (Directory.Exists(folder)) Directory.Delete(folder, true);
    var clock = Stopwatch.StartNew();
    Console.WriteLine($"generating {folder} …");
    generate();
    File.WriteAllText(marker, "");
    Console.WriteLine($"generated in {clock.Elapsed.TotalSeconds:0.0} s");
}

static void Report(string label, double seconds) =>
    Console.WriteLine($"  {label,-60} {Seconds(seconds),8} s");

static int Files(string folder) => Directory.EnumerateFiles(folder, "*.parquet", SearchOption.AllDirectories).Count();

static string Size(string folder) =>
    Glint.Common.Bytes.Format(new DirectoryInfo(folder).EnumerateFiles("*", SearchOption.AllDirectories).Sum(f => f.Length));
