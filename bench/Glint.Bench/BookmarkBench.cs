using System.Collections.Immutable;
using System.Diagnostics;
using System.Globalization;
using DuckDB.NET.Data;
using Glint.Catalog;
using Glint.Execution;
using Glint.Jobs;
using static Glint.Bench.Measure;

namespace Glint.Bench;

/// <summary>
/// Scenario (d): a bookmarked job rerun after 1% new files against a full run of the same job over
/// all files (bookmarks disabled), both through the job runner with their runs recorded.
/// </summary>
internal static class BookmarkBench
{
    private const int Files = 200;

    public static void Run(BenchOptions o, DuckDBConnection duckdb)
    {
        var root = Path.Combine(o.Data, "bookmarks");
        if (Directory.Exists(root)) Directory.Delete(root, true);
        var input = Directory.CreateDirectory(Path.Combine(root, "in")).FullName;
        var rowsPerFile = o.Rows / Files;
        var next = 0;
        void Add(int count)
        {
            for (var i = 0; i < count; i++, next++)
                Execute(duckdb, $"COPY (SELECT {next}::BIGINT * {rowsPerFile} + range AS id, hash(range, {next}) % 100000 / 100.0 AS amount, " +
                                $"(hash(range, 'q', {next}) % 9)::INTEGER AS qty FROM range({rowsPerFile})) TO '{input}/part-{next:D5}.parquet' (FORMAT PARQUET)");
        }
        Console.WriteLine($"\n(d) bookmarked rerun after 1% new files vs a full run: {Files} files × {rowsPerFile:N0} rows");
        var clock = Stopwatch.StartNew();
        Add(Files);
        Console.WriteLine($"generated in {clock.Elapsed.TotalSeconds:0.0} s");

        using var store = (SqlMetastore)Metastores.Open(Path.Combine(root, "metastore.db"), root);
        var jobs = new SqlJobStore(store);
        string Spec(string output, string mode) => $$"""
            name: bench_d
            sources:
              sales: { path: {{input}} }
            transforms:
              - { name: valid, from: sales, filter: "qty > 0 AND amount > 0" }
              - { name: priced, from: valid, with_columns: { total: "round(amount * qty, 2)" } }
            targets:
              - { from: priced, path: {{output}}, mode: {{mode}} }
            """;
        jobs.CreateJob(new JobDefinition("full", Spec(Path.Combine(root, "out-full"), "overwrite"), ImmutableDictionary<string, string>.Empty));
        jobs.CreateJob(new JobDefinition("incremental", Spec(Path.Combine(root, "out-inc"), "append"), ImmutableDictionary<string, string>.Empty,
            Bookmarks: BookmarkOption.Enable));
        var runner = new JobRunner(jobs, new SessionOptions { Home = Path.Combine(o.Data, "home") });
        JobRun Start(string job) => runner.Start(job, new Dictionary<string, string>()) is { State: RunState.Succeeded } run
            ? run : throw new InvalidOperationException($"{job} did not succeed");
        Start("incremental"); // the first bookmarked run reads everything
        Start("full");        // warm-up

        var full = new List<double>();
        var rerun = new List<double>();
        long? rowsRerun = null;
        for (var i = 0; i < o.Repeat; i++)
        {
            clock.Restart();
            Start("full");
            full.Add(clock.Elapsed.TotalSeconds);
            Add(Math.Max(1, Files / 100));
            clock.Restart();
            rowsRerun = Start("incremental").Record!.RowsIn;
            rerun.Add(clock.Elapsed.TotalSeconds);
        }
        Console.WriteLine($"  {"full run, bookmarks disabled (" + Files + "+ files)",-60} {Seconds(Median(full))} s");
        Console.WriteLine($"  {"bookmarked rerun (" + Math.Max(1, Files / 100) + " new files, " + rowsRerun?.ToString("N0", CultureInfo.InvariantCulture) + " rows)",-60} {Seconds(Median(rerun))} s");
        Console.WriteLine($"ratio rerun/full = {(Median(rerun) / Median(full)).ToString("0.000", CultureInfo.InvariantCulture)}");
    }
}
