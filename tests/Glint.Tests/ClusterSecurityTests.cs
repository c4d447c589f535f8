using Glint.Api;
using Glint.Cluster;
using Glint.Cluster.Driver;
using Glint.Common;
using Glint.Execution;
using Glint.Tests.Support;

namespace Glint.Tests;

/// <summary>A cluster with a secret: only drivers holding the same secret can reach its executors.</summary>
[Trait("needs", "redis")]
public sealed class ClusterSecurityTests
{
    [Fact]
    public void Only_a_driver_holding_the_cluster_secret_can_send_tasks()
    {
        using var dir = new TempFolder("cluster-secret");
        ClusterSecret.Create(dir["etl.secret"], "etl");
        ClusterSecret.Create(dir["other.secret"], "other");
        using var cluster = new TestCluster(executors: 2, prefix: "secret", secret: dir["etl.secret"]);

        // The cluster's own driver (same secret) runs a job on it.
        var session = new GlintSession(new SessionOptions { Home = dir["home"], Pool = cluster.Pool });
        var rows = session.Read.Parquet(Datasets.Path("sales_parquet")).Filter("qty > 2").Count();
        Assert.Equal(Convert.ToInt64(Reference.Query($"SELECT count(*) FROM {Datasets.ReferenceScan("sales_parquet")} WHERE qty > 2")[0][0]), rows);
        // The executors' counters reach the driver with their next heartbeat (every half second).
        var until = DateTime.UtcNow.AddSeconds(10);
        while (!cluster.Pool.Executors.Any(e => e.TasksRun > 0) && DateTime.UtcNow < until) Thread.Sleep(100);
        Assert.Contains(cluster.Pool.Executors, e => e.TasksRun > 0);

        // Without the secret, or with another cluster's, the TLS handshake fails: no executor is reachable.
        foreach (var secret in new[] { null, dir["other.secret"] })
        {
            var e = Assert.Throws<ConfigException>(() => ClusterPool.Connect(cluster.Options with { Secret = secret }, 1, TimeSpan.FromSeconds(5)));
            Assert.Contains(cluster.Options.Name, e.Message);
        }
    }

    [Fact]
    public void A_secret_file_is_never_overwritten_and_a_bad_one_is_named()
    {
        using var dir = new TempFolder("cluster-secret-cli");
        Assert.Equal(0, GlintCli.Run(dir["home"], "cluster", "secret", "--cluster", "etl", "--out", dir["etl.secret"]).ExitCode);
        var again = GlintCli.Run(dir["home"], "cluster", "secret", "--cluster", "etl", "--out", dir["etl.secret"]);
        Assert.Equal(1, again.ExitCode);
        Assert.Contains("exists", again.All);
        File.WriteAllText(dir["bad.secret"], "not a certificate");
        var bad = Assert.Throws<ConfigException>(() => ClusterSecret.Load(dir["bad.secret"]));
        Assert.Contains(dir["bad.secret"], bad.Message);
    }
}
