using System.Diagnostics;
using System.Globalization;
using DuckDB.NET.Data;
using Glint.Samples;
using static Glint.Bench.Measure;

namespace Glint.Bench;

/// <summary>
/// Scenario (startup): whole processes, as a user types them. A narrow job (scenario a's shape) on 3,000,000 rows run
/// by <c>glint run spec.yaml</c> against one process that opens DuckDB and runs the same COPY; and what a command costs
/// before any work: <c>glint --help</c>, <c>glint explain spec.yaml</c>, with the ReadyToRun build of ./glint
/// (.glint-bin/) and with the JIT-compiled build dotnet run uses.
/// </summary>
internal static class ProcessBench
{
    private const string Where = "status = 'shipped' AND quantity > 1";
    private const string Columns = "order_id, customer_id, product, quantity, round(amount * quantity, 2) AS revenue, ts, day";

    /// <summary>The baseline process: DuckDB and nothing else runs one statement (the bench started with --duckdb-process SQL).</summary>
    public static int DuckDbProcess(string sql)
    {
        using var duckdb = new DuckDBConnection("Data Source=:memory:");
        duckdb.Open();
        Execute(duckdb, sql);
        return 0;
    }

    public static void Run(BenchOptions o)
    {
        var rows = o.Rows == 50_000_000 ? 3_000_000 : o.Rows;
        var data = Path.Combine(o.Data, $"sales-{rows}");
        if (!File.Exists(Path.Combine(data, "_complete")))
        {
            SalesDataGenerator.Sales(data, rows, days: 30, filesPerDay: 8);
            File.WriteAllText(Path.Combine(data, "_complete"), "");
        }
        var folder = Directory.CreateDirectory(Path.Combine(o.Data, "startup")).FullName;
        var spec = Path.Combine(folder, "narrow.yaml");
        File.WriteAllText(spec, $"""
            name: narrow
            sources:
              sales: {"{"} path: {data}, format: parquet {"}"}
            transforms:
              - {"{"} name: shipped, from: sales, filter: "{Where}" {"}"}
              - {"{"} name: out, from: shipped, select: [order_id, customer_id, product, quantity, "round(amount * quantity, 2) AS revenue", ts, day] {"}"}
            targets:
              - {"{"} from: out, path: {Path.Combine(folder, "out-glint")}, format: parquet, mode: overwrite, partition_by: [day] {"}"}
            """);
        var fast = Path.GetFullPath(Path.Combine(".glint-bin", "Glint.Cli"));
        if (!File.Exists(fast)) throw new InvalidOperationException("run ./glint --help once first: it publishes the ReadyToRun build into .glint-bin/");
        var jit = Path.Combine(AppContext.BaseDirectory, "Glint.Cli.dll");
        var bench = Path.Combine(AppContext.BaseDirectory, "Glint.Bench.dll");
        var duckOut = Path.Combine(folder, "out-duckdb");
        var copy = $"COPY (SELECT {Columns} FROM read_parquet('{data}/**/*.parquet', hive_partitioning=true) WHERE {Where}) " +
                   $"TO '{duckOut}' (FORMAT PARQUET, PARTITION_BY (day), OVERWRITE_OR_IGNORE)";
        var home = Path.Combine(folder, "home");
        Console.WriteLine($"\n(startup) whole processes; narrow job on {rows:N0} rows ({Files(data)} files); glint ReadyToRun = {fast}");
        var times = Interleaved(Math.Max(o.Repeat, 5),
            () => Process(home, "dotnet", bench, "--duckdb-process", copy),
            () => Process(home, fast, "run", spec),
            () => Process(home, fast, "--help"),
            () => Process(home, fast, "explain", spec),
            () => Process(home, "dotnet", jit, "--help"),
            () => Process(home, "dotnet", jit, "explain", spec),
            () => Process(home, "dotnet", bench, "--duckdb-process", "SELECT 1"));
        Console.WriteLine($"  duckdb process, the same COPY        {Seconds(times[0]),8} s");
        Console.WriteLine($"  glint run narrow.yaml (ReadyToRun)   {Seconds(times[1]),8} s   ratio {(times[1] / times[0]).ToString("0.00", CultureInfo.InvariantCulture)}");
        Console.WriteLine($"  glint --help (ReadyToRun)            {Seconds(times[2]),8} s");
        Console.WriteLine($"  glint explain narrow.yaml (R2R)      {Seconds(times[3]),8} s");
        Console.WriteLine($"  glint --help (JIT, as dotnet run)    {Seconds(times[4]),8} s");
        Console.WriteLine($"  glint explain (JIT)                  {Seconds(times[5]),8} s");
        Console.WriteLine($"  a .NET process opening DuckDB        {Seconds(times[6]),8} s");
    }

    private static void Process(string home, string file, params string[] args)
    {
        var info = new ProcessStartInfo(file) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var a in args) info.ArgumentList.Add(a);
        info.Environment["GLINT_HOME"] = home;
        using var process = System.Diagnostics.Process.Start(info)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEnd();
        process.WaitForExit();
        if (process.ExitCode != 0) throw new InvalidOperationException($"{file} {string.Join(' ', args)} failed: {error}{output.Result}");
    }

    private static int Files(string folder) => Directory.EnumerateFiles(folder, "*.parquet", SearchOption.AllDirectories).Count();
}
