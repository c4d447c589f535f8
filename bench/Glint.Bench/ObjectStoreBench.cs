using System.Diagnostics;
using System.Globalization;
using DuckDB.NET.Data;
using Glint.Api;
using Glint.Common;
using Glint.Execution;
using Glint.Samples;
using Glint.Storage.ObjectStores;
using static Glint.Bench.Measure;

namespace Glint.Bench;

/// <summary>
/// Scenario a-s3: scenario (a)'s narrow ETL with input and output on an S3-compatible server against the same job on
/// local folders. Uses GLINT_BENCH_S3 (an endpoint; keys from AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY) when set, else
/// starts s3rver on loopback with scripts/s3.sh — a server on the same 2 cores and disk, so the ratio is Glint's
/// staging and transfer overhead, not a network's.
/// </summary>
internal static class ObjectStoreBench
{
    public static void Run(BenchOptions o, DuckDBConnection duckdb)
    {
        var data = Path.Combine(o.Data, $"sales-{o.Rows}");
        if (!File.Exists(Path.Combine(data, "_complete")))
        {
            SalesDataGenerator.Sales(data, o.Rows, days: 30, filesPerDay: 8);
            File.WriteAllText(Path.Combine(data, "_complete"), "");
        }
        var endpoint = Environment.GetEnvironmentVariable("GLINT_BENCH_S3");
        var folder = Path.Combine(o.Data, "s3rver");
        var started = endpoint is null;
        if (started)
        {
            endpoint = Script("start", folder);
            Environment.SetEnvironmentVariable("AWS_ACCESS_KEY_ID", "S3RVER");
            Environment.SetEnvironmentVariable("AWS_SECRET_ACCESS_KEY", "S3RVER");
        }
        try
        {
            var settings = new GlintSettings().With("s3_endpoint", endpoint!);
            var store = new ObjectStore(settings.S3);
            var bucket = started ? "glint-test" : Environment.GetEnvironmentVariable("GLINT_BENCH_S3_BUCKET") ?? "glint-bench";
            var input = $"s3://{bucket}/bench/sales-{o.Rows}";
            var clock = Stopwatch.StartNew();
            var files = Directory.GetFiles(data, "*.parquet", SearchOption.AllDirectories);
            Parallel.ForEach(files, new ParallelOptions { MaxDegreeOfParallelism = 4 },
                f => store.Upload(f, S3Uri.Parse(input).Child(Path.GetRelativePath(data, f))));
            Console.WriteLine($"\n(a-s3) scenario (a) on an S3-compatible server ({endpoint}) vs local folders: {o.Rows:N0} rows, {files.Length} objects; uploaded in {clock.Elapsed.TotalSeconds:0.0} s");
            const string where = "status = 'shipped' AND quantity > 1";
            string[] select = ["order_id", "customer_id", "product", "quantity", "round(amount * quantity, 2) AS revenue", "ts", "day"];
            var session = new GlintSession(new SessionOptions { Home = Path.Combine(o.Data, "home"), Settings = settings });
            Glint.Execution.RunSummary? local = null, remote = null;
            var times = Interleaved(o.Repeat,
                () => local = session.Read.Parquet(data).Filter(where).Select(select).Write().Mode("overwrite").PartitionBy("day").Save(Path.Combine(o.Data, "out-a-local")),
                () => remote = session.Read.Parquet(input).Filter(where).Select(select).Write().Mode("overwrite").PartitionBy("day").Save($"s3://{bucket}/bench/out-a"));
            Console.WriteLine($"  {"glint, local folders (" + local!.Tasks + " tasks, " + local.FilesWritten + " files)",-60} {Seconds(times[0])} s");
            Console.WriteLine($"  {"glint, s3:// in and out (" + remote!.Tasks + " tasks, " + remote.FilesWritten + " objects)",-60} {Seconds(times[1])} s");
            Console.WriteLine($"ratio s3/local = {(times[1] / times[0]).ToString("0.00", CultureInfo.InvariantCulture)}; same rows: {local.RowsOut == remote.RowsOut}");
        }
        finally
        {
            if (started) Script("stop", folder);
        }
    }

    private static string Script(string verb, string folder) => ServerScript.Run("s3.sh", verb, folder);
}
