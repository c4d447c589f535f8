using Glint.Api;
using Glint.Catalog;
using Glint.Execution;
using Glint.Jobs;
using Glint.Storage;
using Glint.Tests.Support;

namespace Glint.Tests;

/// <summary>
/// The job commit under SIGKILL: real glint processes killed at measured points from the last task's end through the
/// end of the commit. After every kill a Glint read of the target is exactly its old version or exactly its new one,
/// and the next run repairs what was interrupted and leaves exactly the new one, with nothing staged left behind.
/// The folders live on tmpfs: a SIGKILL keeps the page cache, so the file system's kind does not change what a crash
/// leaves, and each run creates and deletes thousands of files.
/// </summary>
[Trait("needs", "postgresql")]
[Trait("needs", "s3")]
[Collection("crash")]
public sealed class CommitCrashTests
{
    private const int Partitions = 5000;

    /// <summary>
    /// A source of <paramref name="partitions"/> partition values × 3 rows, sorted by partition, in two files (two tasks,
    /// one per slot, each writing half the partitions); <paramref name="seed"/> makes its values its own.
    /// </summary>
    private static void Source(string folder, int seed, int partitions, bool evenOnly = false)
    {
        Directory.CreateDirectory(folder);
        var where = evenOnly ? "AND p % 2 = 0" : "";
        foreach (var (half, range) in new[] { (0, $"p < {partitions / 2}"), (1, $"p >= {partitions / 2}") })
            Reference.Execute($"""
                COPY (SELECT p, i * 1000003 + {seed} AS v, 'seed{seed}' AS tag
                      FROM (SELECT range % {partitions} AS p, range AS i FROM range({partitions * 3})) WHERE {range} {where} ORDER BY p, i)
                TO '{folder}/data{half}.parquet' (FORMAT PARQUET)
                """);
    }

    private static string Spec(TempFolder dir, string name, string source, string target, string mode) =>
        Spec(dir, name, source, $"{{ from: s, path: {target}, partition_by: [p], mode: {mode} }}");

    /// <summary>A spec reading <paramref name="source"/> into one target, written as its YAML flow mapping.</summary>
    private static string Spec(TempFolder dir, string name, string source, string targetEntry)
    {
        var path = dir[name + ".yaml"];
        File.WriteAllText(path, $$"""
            name: {{name}}
            sources:
              s: { path: {{source}} }
            targets:
              - {{targetEntry}}
            settings: { group_files: none }
            """);
        return path;
    }

    /// <summary>The target's rows as Glint reads them, from a process home of its own (so this read repairs nothing).</summary>
    private static List<string> GlintRows(TempFolder dir, string target)
    {
        var session = new GlintSession(new SessionOptions { Home = dir["reader-home"] });
        return [.. session.Read.Parquet(target).Select("p", "v", "tag").Collect().Select(r => string.Join('|', r)).Order(StringComparer.Ordinal)];
    }

    private static List<string> Rows(string sql) =>
        [.. Reference.Query(sql).Select(r => string.Join('|', r)).Order(StringComparer.Ordinal)];

    private static List<string> SourceRows(string folder, string? where = null) =>
        Rows($"SELECT p, v, tag FROM read_parquet('{folder}/data*.parquet') {(where is null ? "" : "WHERE " + where)}");

    private static void AssertRepaired(string home, string target)
    {
        Assert.False(Directory.Exists(Path.Combine(target, "_glint_temporary")), "staging left in the target");
        Assert.Empty(Directory.Exists(Path.Combine(home, "runs")) ? Directory.GetFiles(Path.Combine(home, "runs"), "*.json") : []);
        Assert.False(Directory.Exists(Path.Combine(home, "scratch")) && Directory.EnumerateFileSystemEntries(Path.Combine(home, "scratch")).Any(), "scratch left behind");
    }

    [Fact]
    public void An_overwrite_of_5000_partition_files_killed_at_ten_points_of_its_commit_is_old_or_new_and_the_next_run_repairs_it()
    {
        using var dir = new TempFolder("crash-overwrite", inMemory: true);
        var home = dir["home"];
        var target = dir["out"];
        Source(dir["a"], 1, Partitions);
        Source(dir["b"], 2, Partitions);
        var specs = new[] { Spec(dir, "to_a", dir["a"], target, "overwrite"), Spec(dir, "to_b", dir["b"], target, "overwrite") };
        var rows = new[] { SourceRows(dir["a"]), SourceRows(dir["b"]) };
        Assert.Equal(0, GlintCli.Run(home, "run", specs[0]).ExitCode);
        var trace = Crash.Calibrate(home, dir["trace"], 250, "run", specs[1]);
        Assert.True(Directory.GetFiles(target, "*.parquet", SearchOption.AllDirectories).Length >= Partitions);
        var outcomes = new List<string>();
        var current = 1;
        foreach (var point in Crash.Points(trace, 10))
        {
            var next = 1 - current;
            var step = Crash.KillAt(home, dir["trace"], point, 250, "run", specs[next]);
            Assert.NotNull(step); // the kill landed while the process was in its commit
            var seen = GlintRows(dir, target);
            Assert.True(seen.SequenceEqual(rows[current]) || seen.SequenceEqual(rows[next]),
                $"killed after '{step}': the target holds {seen.Count} rows, neither the old {rows[current].Count} nor the new {rows[next].Count}");
            outcomes.Add(seen.SequenceEqual(rows[next]) ? "new" : "old");
            var rerun = GlintCli.Run(home, "run", specs[next]);
            Assert.True(rerun.ExitCode == 0, rerun.All);
            Assert.Equal(rows[next], GlintRows(dir, target));
            AssertRepaired(home, target);
            current = next;
        }
        // The kill points straddle the commit point: some kills left the old version, some the new one.
        Assert.Contains("old", outcomes);
        Assert.Contains("new", outcomes);
    }

    [Fact]
    public void An_overwrite_partitions_killed_at_ten_points_leaves_untouched_partitions_byte_identical()
    {
        using var dir = new TempFolder("crash-partitions", inMemory: true);
        var home = dir["home"];
        var target = dir["out"];
        // A smaller grid than the overwrite test's (1,000 partition files, 500 rewritten), so the suite stays short.
        Source(dir["all"], 1, 1000);
        Source(dir["b"], 2, 1000, evenOnly: true);
        Source(dir["c"], 3, 1000, evenOnly: true);
        Assert.Equal(0, GlintCli.Run(home, "run", Spec(dir, "all", dir["all"], target, "overwrite")).ExitCode);
        var untouched = Snapshot(target, odd: true);
        var specs = new[] { Spec(dir, "to_b", dir["b"], target, "overwrite_partitions"), Spec(dir, "to_c", dir["c"], target, "overwrite_partitions") };
        var odd = SourceRows(dir["all"], "p % 2 = 1");
        var rows = new[] { odd.Concat(SourceRows(dir["b"])).Order(StringComparer.Ordinal).ToList(), odd.Concat(SourceRows(dir["c"])).Order(StringComparer.Ordinal).ToList() };
        var trace = Crash.Calibrate(home, dir["trace"], 50, "run", specs[0]);
        var current = 0;
        var outcomes = new List<string>();
        foreach (var point in Crash.Points(trace, 10))
        {
            var next = 1 - current;
            var step = Crash.KillAt(home, dir["trace"], point, 50, "run", specs[next]);
            Assert.NotNull(step);
            var seen = GlintRows(dir, target);
            Assert.True(seen.SequenceEqual(rows[current]) || seen.SequenceEqual(rows[next]), $"killed after '{step}': {seen.Count} rows, neither old nor new");
            outcomes.Add(seen.SequenceEqual(rows[next]) ? "new" : "old");
            Assert.Equal(untouched, Snapshot(target, odd: true));
            Assert.Equal(0, GlintCli.Run(home, "run", specs[next]).ExitCode);
            Assert.Equal(rows[next], GlintRows(dir, target));
            Assert.Equal(untouched, Snapshot(target, odd: true));
            AssertRepaired(home, target);
            current = next;
        }
        Assert.Contains("old", outcomes);
        Assert.Contains("new", outcomes);
    }

    /// <summary>Every file of the odd partitions, with its bytes' hash.</summary>
    private static List<string> Snapshot(string target, bool odd) =>
        [.. Directory.GetFiles(target, "*.parquet", SearchOption.AllDirectories)
            .Where(f => !f.Contains("_glint_temporary") && int.Parse(Path.GetFileName(Path.GetDirectoryName(f)!)["p=".Length..]) % 2 == (odd ? 1 : 0))
            .Order(StringComparer.Ordinal)
            .Select(f => Path.GetRelativePath(target, f) + " " + Convert.ToHexString(System.Security.Cryptography.SHA256.HashData(File.ReadAllBytes(f))))];

    [Fact]
    public void A_bookmarked_append_job_killed_during_its_commit_and_started_again_neither_doubles_nor_skips()
    {
        using var dir = new TempFolder("crash-bookmark", inMemory: true);
        var home = dir["home"];
        var input = dir["in"];
        var target = dir["out"];
        Directory.CreateDirectory(input);
        var files = 0;
        void AddFiles(int n)
        {
            for (var i = 0; i < n; i++, files++)
                Reference.Execute($"COPY (SELECT {files} * 100000 + range AS id, range % 7 AS k FROM range(2000)) TO '{input}/f{files:D3}.parquet' (FORMAT PARQUET)");
        }
        var spec = dir["job.yaml"];
        File.WriteAllText(spec, $$"""
            name: incremental
            sources:
              s: { path: {{input}} }
            targets:
              - { from: s, path: {{target}}, mode: append, partition_by: [k] }
            """);
        Assert.Equal(0, GlintCli.Run(home, "job", "create", "inc", "--spec", spec, "--bookmark", "enable").ExitCode);
        AddFiles(3);
        var trace = Crash.Calibrate(home, dir["trace"], 250, "job", "start", "inc");
        var kills = 0;
        foreach (var point in Crash.Points(trace, 6))
        {
            AddFiles(2);
            var step = Crash.KillAt(home, dir["trace"], point, 250, "job", "start", "inc");
            if (step is not null) kills++;
            var again = GlintCli.Run(home, "job", "start", "inc");
            Assert.True(again.ExitCode == 0, again.All);
            // Output = input exactly: every id once.
            Assert.Equal(Rows($"SELECT id, k FROM read_parquet('{input}/*.parquet')"), GlintIds(dir, target));
            using var store = Metastores.Open(null, home);
            var bookmark = (SqlJobStore.Of(store)).Bookmarks("inc").Single().State;
            Assert.Equal(files, bookmark.Files.Length);
            AssertRepaired(home, target);
        }
        Assert.True(kills >= 5, $"only {kills} kills landed inside the commit");
    }

    private static List<string> GlintIds(TempFolder dir, string target)
    {
        var session = new GlintSession(new SessionOptions { Home = dir["reader-home"] });
        return [.. session.Read.Parquet(target).Select("id", "k").Collect().Select(r => string.Join('|', r)).Order(StringComparer.Ordinal)];
    }

    [Fact]
    public void An_s3_overwrite_killed_at_ten_points_of_its_commit_is_old_or_new_and_the_next_run_repairs_it()
    {
        using var dir = new TempFolder("crash-s3", inMemory: true);
        var home = dir["home"];
        var target = S3Server.NewPrefix("crash");
        // s3rver takes ~10 ms an object: 100 partition objects keep each run short while spreading ten kill points.
        Source(dir["a"], 1, 100);
        Source(dir["b"], 2, 100);
        var specs = new[] { Spec(dir, "to_a", dir["a"], target, "overwrite"), Spec(dir, "to_b", dir["b"], target, "overwrite") };
        var rows = new[] { SourceRows(dir["a"]), SourceRows(dir["b"]) };
        string[] Run(string spec) => ["run", spec, "--set", $"s3_endpoint={S3Server.Endpoint}"];
        Assert.Equal(0, GlintCli.Run(home, Run(specs[0])).ExitCode);
        var trace = Crash.Calibrate(home, dir["trace"], 10, Run(specs[1]));
        var outcomes = new List<string>();
        var current = 1;
        foreach (var point in Crash.Points(trace, 10))
        {
            var next = 1 - current;
            var step = Crash.KillAt(home, dir["trace"], point, 10, Run(specs[next]));
            Assert.NotNull(step);
            var seen = S3Rows(dir, target);
            Assert.True(seen.SequenceEqual(rows[current]) || seen.SequenceEqual(rows[next]), $"killed after '{step}': {seen.Count} rows, neither old nor new");
            outcomes.Add(seen.SequenceEqual(rows[next]) ? "new" : "old");
            var rerun = GlintCli.Run(home, Run(specs[next]));
            Assert.True(rerun.ExitCode == 0, rerun.All);
            Assert.Equal(rows[next], S3Rows(dir, target));
            // Exactly the new run's objects are left: the manifest names every data object under the prefix.
            var manifest = Manifest.TryRead(target, S3Server.Options)!;
            Assert.Equal(manifest.Files.Select(f => f.Path).Order(StringComparer.Ordinal), S3Server.Listing(target).Where(l => !l.StartsWith('_')).Select(l => l.Split(": ")[0]).Order(StringComparer.Ordinal));
            Assert.DoesNotContain(S3Server.Listing(target), l => l.StartsWith(RunContext.StagingFolderName, StringComparison.Ordinal));
            AssertRepaired(home, dir["none"]);
            current = next;
        }
        Assert.Contains("old", outcomes);
        Assert.Contains("new", outcomes);

        // Killed while its tasks upload, before any commit step: the target is the old version, and the next process
        // removes the objects the dead run's tasks had staged under the target.
        KillWhenStaged(home, target, Run(specs[1 - current]));
        Assert.Equal(rows[current], S3Rows(dir, target));
        var again = GlintCli.Run(home, Run(specs[1 - current]));
        Assert.True(again.ExitCode == 0, again.All);
        Assert.Equal(rows[1 - current], S3Rows(dir, target));
        Assert.DoesNotContain(S3Server.Listing(target), l => l.StartsWith(RunContext.StagingFolderName, StringComparison.Ordinal));
        AssertRepaired(home, dir["none"]);
    }

    /// <summary>Starts glint and SIGKILLs it as soon as the first object its tasks upload shows under the target's staging prefix.</summary>
    private static void KillWhenStaged(string home, string target, string[] args)
    {
        using var process = GlintCli.Start(home, args);
        _ = process.StandardOutput.ReadToEndAsync();
        _ = process.StandardError.ReadToEndAsync();
        var clock = System.Diagnostics.Stopwatch.StartNew();
        while (!process.HasExited && clock.Elapsed < TimeSpan.FromMinutes(2)
            && !S3Server.Listing(target).Any(l => l.StartsWith(RunContext.StagingFolderName, StringComparison.Ordinal)))
            Thread.Sleep(5);
        Assert.False(process.HasExited, "the run ended before its tasks staged anything");
        process.Kill();
        process.WaitForExit();
        Assert.Contains(S3Server.Listing(target), l => l.StartsWith(RunContext.StagingFolderName, StringComparison.Ordinal));
    }

    private static List<string> S3Rows(TempFolder dir, string target)
    {
        var session = new GlintSession(new SessionOptions { Home = dir["reader-home"], Settings = S3Server.Settings() });
        return [.. session.Read.Parquet(target).Select("p", "v", "tag").Collect().Select(r => string.Join('|', r)).Order(StringComparer.Ordinal)];
    }

    [Fact]
    public void A_postgresql_overwrite_killed_at_every_step_of_its_commit_is_old_or_new_and_the_next_run_repairs_it()
    {
        using var dir = new TempFolder("crash-postgres", inMemory: true);
        var home = dir["home"];
        var database = Postgres.NewDatabase();
        Source(dir["a"], 1, 2000);
        Source(dir["b"], 2, 2000);
        string PgSpec(string name, string source) =>
            Spec(dir, name, source, $"{{ from: s, connection: \"{database}\", dbtable: crash, mode: overwrite }}");
        var specs = new[] { PgSpec("to_a", dir["a"]), PgSpec("to_b", dir["b"]) };
        var rows = new[] { SourceRows(dir["a"]), SourceRows(dir["b"]) };
        List<string> Table() => [.. Db.Rows(database, "SELECT p, v, tag FROM crash").Order(StringComparer.Ordinal)];
        Assert.Equal(0, GlintCli.Run(home, "run", specs[0]).ExitCode);
        var trace = Crash.Calibrate(home, dir["trace"], 250, "run", specs[1]);
        var outcomes = new List<string>();
        var current = 1;
        foreach (var point in Crash.Points(trace, 10))
        {
            var next = 1 - current;
            var step = Crash.KillAt(home, dir["trace"], point, 250, "run", specs[next]);
            Assert.NotNull(step);
            var seen = Table();
            Assert.True(seen.SequenceEqual(rows[current]) || seen.SequenceEqual(rows[next]), $"killed after '{step}': {seen.Count} rows, neither old nor new");
            outcomes.Add(seen.SequenceEqual(rows[next]) ? "new" : "old");
            var rerun = GlintCli.Run(home, "run", specs[next]);
            Assert.True(rerun.ExitCode == 0, rerun.All);
            Assert.Equal(rows[next], Table());
            Assert.Empty(Db.Rows(database, "SELECT tablename FROM pg_tables WHERE tablename LIKE 'glint_staging_%'"));
            AssertRepaired(home, dir["none"]);
            current = next;
        }
        Assert.Contains("new", outcomes);
    }
}

/// <summary>The crash tests run glint processes back to back; alone, they do not slow the rest of the suite's timing-sensitive tests (nor are slowed by them).</summary>
[CollectionDefinition("crash", DisableParallelization = true)]
[Trait("needs", "postgresql")]
[Trait("needs", "s3")]
public sealed class CrashCollection;
