using Glint.Api;
using Glint.Catalog;
using Glint.Execution;
using Glint.Jobs;
using Glint.Tests.Support;

namespace Glint.Tests.Quality;

/// <summary>
/// A quarantining job under SIGKILL: a real glint process killed at measured points of its commit, then started again.
/// The passing and the quarantined rows commit together, so after every repair each input row is in exactly one of the
/// two targets, once: nothing lost, nothing doubled, and the bookmark has seen every file.
/// </summary>
[Collection("crash")]
public sealed class DataQualityCrashTests
{
    [Fact]
    public void A_quarantining_bookmarked_job_killed_during_its_commit_neither_loses_nor_doubles_a_row_in_either_target()
    {
        using var dir = new TempFolder("crash-dq", inMemory: true);
        var home = dir["home"];
        var input = dir["in"];
        Directory.CreateDirectory(input);
        var files = 0;
        void AddFiles(int n)
        {
            for (var i = 0; i < n; i++, files++)
                Reference.Execute($"""
                    COPY (SELECT {files} * 100000 + range AS id, range % 150 AS p, CASE WHEN range % 9 = 0 THEN NULL ELSE 'c' || (range % 40) END AS customer
                          FROM range(1500)) TO '{input}/f{files:D3}.parquet' (FORMAT PARQUET)
                    """);
        }
        var spec = dir["job.yaml"];
        File.WriteAllText(spec, $$"""
            name: medallion
            sources:
              bronze: { path: {{input}} }
            transforms:
              - name: silver
                from: bronze
                evaluate_data_quality:
                  ruleset: 'Rules = [ RowCount >= 0, IsComplete "customer" ]'
                  on_failure: quarantine
                  quarantine: rejected
            targets:
              - { from: silver, path: {{dir["silver"]}}, mode: append, partition_by: [p] }
              - { from: rejected, path: {{dir["rejected"]}}, mode: append, partition_by: [p] }
            """);
        Assert.Equal(0, GlintCli.Run(home, "job", "create", "dq", "--spec", spec, "--bookmark", "enable").ExitCode);
        AddFiles(2);
        var trace = Crash.Calibrate(home, dir["trace"], 25, "job", "start", "dq");
        var kills = 0;
        foreach (var point in Crash.Points(trace, 6))
        {
            AddFiles(2);
            if (Crash.KillAt(home, dir["trace"], point, 25, "job", "start", "dq") is not null) kills++;
            var again = GlintCli.Run(home, "job", "start", "dq");
            Assert.True(again.ExitCode == 0, again.All);
            var bronze = $"read_parquet('{input}/*.parquet')";
            Assert.Equal(Ids($"SELECT id FROM {bronze} WHERE customer IS NOT NULL"), GlintIds(dir, dir["silver"]));
            Assert.Equal(Ids($"SELECT id FROM {bronze} WHERE customer IS NULL"), GlintIds(dir, dir["rejected"]));
            using var store = Metastores.Open(null, home);
            Assert.Equal(files, SqlJobStore.Of(store).Bookmarks("dq").Single().State.Files.Length);
        }
        Assert.True(kills >= 5, $"only {kills} kills landed inside the commit");
    }

    private static List<string> Ids(string sql) => [.. Reference.Query(sql).Select(r => Convert.ToString(r[0])!).Order(StringComparer.Ordinal)];

    /// <summary>The target's ids as Glint reads them, from a process home of its own (so this read repairs nothing).</summary>
    private static List<string> GlintIds(TempFolder dir, string target)
    {
        var session = new GlintSession(new SessionOptions { Home = dir["reader-home"] });
        return [.. session.Read.Parquet(target).Select("id").Collect().Select(r => Convert.ToString(r[0])!).Order(StringComparer.Ordinal)];
    }
}
