using Glint.Api;
using Glint.Cluster;
using Glint.Cluster.Driver;
using Glint.Common;
using Glint.Execution;
using Glint.Tests.Support;

namespace Glint.Tests;

/// <summary>Auto scaling: executors are started while tasks wait and stopped when idle, and the run is billed for what ran.</summary>
[Trait("needs", "redis")]
public sealed class ClusterAutoScalingTests
{
    private static void Input(string folder)
    {
        Directory.CreateDirectory(folder);
        for (var f = 0; f < 24; f++)
            Reference.Execute($"""
                COPY (SELECT {f} * 60000 + range AS id, md5((range * {f})::VARCHAR) AS payload
                      FROM range(60000)) TO '{folder}/part-{f:D2}.parquet' (FORMAT PARQUET)
                """);
    }

    /// <summary>A first stage of 24 tasks (seconds of work on one slot), then all rows in one task that takes a while (a chain of digests per row).</summary>
    private static RunSummary Job(GlintSession session, string input, string output) =>
        session.Read.Parquet(input)
            .WithColumn("h", "md5(payload || md5(payload || md5(payload || md5(payload))))")
            .Repartition(1)
            .WithColumn("h2", "md5(h || md5(h || md5(h || md5(h || md5(h)))))")
            .Write().Mode("overwrite").Save(output);

    [Fact]
    public async Task A_job_with_a_wide_first_stage_and_a_single_last_task_scales_out_and_back_in()
    {
        using var dir = new TempFolder("autoscale");
        Input(dir["in"]);
        var settings = new GlintSettings { MinPartitions = 24, MaxPartitionBytes = 1 << 20 };

        var cluster = new ClusterOptions($"auto-{Guid.NewGuid():N}"[..20], TestCluster.Membership);
        var provider = new LocalProcessProvider(["dotnet", Path.Combine(AppContext.BaseDirectory, "Glint.Cli.dll")], cluster, WorkerType.G025X, 1, dir["home"]);
        RunSummary scaled;
        var counts = new List<(DateTime At, int Executors)>();
        using (var pool = ClusterPool.Connect(cluster, 0, TimeSpan.FromSeconds(60), new AutoScaling(3, provider, TimeSpan.FromSeconds(1))))
        {
            Assert.Equal(1, pool.ExecutorCount); // one executor until there is work
            using var sampling = new CancellationTokenSource();
            var sampler = Task.Run(async () =>
            {
                while (!sampling.IsCancellationRequested)
                {
                    lock (counts) counts.Add((DateTime.UtcNow, pool.ExecutorCount));
                    await Task.Delay(100);
                }
            });
            scaled = Job(new GlintSession(new SessionOptions { Home = dir["home"], Settings = settings, Pool = pool }), dir["in"], dir["scaled"]);
            sampling.Cancel();
            await sampler;
        }
        var during = counts.Where(c => c.At >= scaled.StartedUtc && c.At <= scaled.StartedUtc + scaled.Wall).Select(c => c.Executors).ToList();
        var peak = during.Max();
        Assert.True(peak >= 2, $"scaled out to {peak} executor(s)");
        Assert.True(during.SkipWhile(n => n < peak).Any(n => n < peak), $"never scaled back in: {string.Join(",", during)}");
        Assert.NotNull(scaled.MeteredDpuSeconds);
        // Billed for the executors' real time: less than three of them for the whole run.
        Assert.True(scaled.MeteredDpuSeconds < 3 * WorkerType.G025X.Dpus * scaled.Wall.TotalSeconds,
            $"{scaled.MeteredDpuSeconds:0.0} DPU-s metered for a {scaled.Wall.TotalSeconds:0.0} s run");

        using var fixedPool = new TestCluster(executors: 3, prefix: "fixed");
        var fixedRun = Job(new GlintSession(new SessionOptions { Home = dir["home"], Settings = settings, Pool = fixedPool.Pool }), dir["in"], dir["fixed"]);
        Assert.Null(fixedRun.MeteredDpuSeconds);
        Assert.True(scaled.DpuSeconds < fixedRun.DpuSeconds, $"auto scaled {scaled.DpuSeconds:0.0} DPU-s, fixed pool of 3 {fixedRun.DpuSeconds:0.0} DPU-s");
        Assert.Equal(fixedRun.RowsOut, scaled.RowsOut);
        Assert.Equal(
            Reference.Query($"SELECT count(*), min(h2), max(h2) FROM read_parquet('{dir["fixed"]}/*.parquet')")[0],
            Reference.Query($"SELECT count(*), min(h2), max(h2) FROM read_parquet('{dir["scaled"]}/*.parquet')")[0]);
    }
}
