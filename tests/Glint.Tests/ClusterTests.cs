using Glint.Tests.Support;

namespace Glint.Tests;

/// <summary>Three executor processes on this machine, shared by the differential suites run in cluster mode.</summary>
[Trait("needs", "redis")]
[Trait("needs", "s3")]
public sealed class ClusterFixture : IDisposable
{
    public TestCluster Cluster { get; } = new(executors: 3, prefix: "diff");

    public void Dispose() => Cluster.Dispose();
}

[CollectionDefinition("cluster")]
[Trait("needs", "redis")]
[Trait("needs", "s3")]
public sealed class ClusterCollection : ICollectionFixture<ClusterFixture>;

/// <summary>
/// The narrow, shuffle and SQL golden suites with their tasks on three executor processes (Orleans,
/// membership in Redis): each must equal plain DuckDB exactly as in local mode.
/// </summary>
[Trait("needs", "redis")]
[Trait("needs", "s3")]
[Collection("cluster")]
public sealed class ClusterDifferentialTests(ClusterFixture fixture)
{
    public static IEnumerable<object[]> Narrow => GoldenCase.Files("narrow").Select(f => new object[] { f });
    public static IEnumerable<object[]> Wide => GoldenCase.Files("wide").Select(f => new object[] { f });
    public static IEnumerable<object[]> Sql => SqlGolden.All().Select(q => new object[] { q.File, q.Name });

    [Theory]
    [MemberData(nameof(Narrow))]
    public void Narrow_cases_equal_plain_DuckDB_on_executors(string file) =>
        DifferentialTests.Check(GoldenCase.Load("narrow", file), 3, [], fixture.Cluster.Pool);

    [Theory]
    [MemberData(nameof(Wide))]
    public void Shuffle_cases_equal_plain_DuckDB_on_executors(string file) =>
        DifferentialTests.Check(GoldenCase.Load("wide", file), 3, new() { ["shuffle_partitions"] = "7" }, fixture.Cluster.Pool);

    [Theory]
    [MemberData(nameof(Sql))]
    public void Sql_queries_equal_plain_DuckDB_on_executors(string file, string query) =>
        SqlDifferentialTests.Check(SqlGolden.Find(file, query), 3, 7, null, fixture.Cluster.Pool);

    /// <summary>Inputs on the S3 server and every exchange on an s3:// scratch prefix: executors share nothing but the object store.</summary>
    [Theory]
    [InlineData("joins.sql")]
    [InlineData("aggregates.sql")]
    public void Sql_on_s3_with_s3_scratch_equals_plain_DuckDB_on_executors(string file)
    {
        foreach (var golden in SqlGolden.All().Where(q => q.File == file))
        {
            using var home = new TempFolder("cluster-s3");
            var settings = S3Server.Settings(new Common.GlintSettings().With("min_partitions", "3").With("shuffle_partitions", "3")
                .With("scratch", S3Server.NewPrefix("cluster-scratch")));
            var session = new Api.GlintSession(new Execution.SessionOptions { Home = home.Path, Settings = settings, Pool = fixture.Cluster.Pool });
            var inputs = golden.Sources.ToDictionary(kv => kv.Key,
                kv => session.Read.Format(GoldenCase.FormatOf(kv.Value)).Load(S3Server.Dataset(kv.Value)), StringComparer.OrdinalIgnoreCase);
            var expected = Reference.QueryOver(golden.Sources, golden.Sql).Select(Text).ToList();
            var actual = session.Sql(golden.Sql, inputs).Collect().Select(Text).ToList();
            if (golden.Compare == "ordered") AssertRows.Equal(expected, actual);
            else AssertRows.Equal([.. expected.Order(StringComparer.Ordinal)], [.. actual.Order(StringComparer.Ordinal)]);
        }
    }

    private static string Text(object?[] row) => string.Join(" | ", row.Select(Reference.Rounded));
}
