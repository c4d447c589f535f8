using Glint.Api;
using Glint.Common;
using Glint.Execution;
using Glint.Tests.Support;

namespace Glint.Tests;

/// <summary>
/// The SQL golden files again with every input read from the S3 server and every exchange (shuffle, broadcast,
/// gather) written to an s3:// scratch prefix: the answers must still equal plain DuckDB on the local files.
/// </summary>
[Trait("needs", "s3")]
public sealed class SqlOnS3Tests
{
    public static IEnumerable<object[]> Cases => SqlGolden.All().Select(q => new object[] { q.File, q.Name });

    [Theory]
    [MemberData(nameof(Cases))]
    public void Glint_on_s3_equals_plain_DuckDB(string file, string query)
    {
        var golden = SqlGolden.Find(file, query);
        using var home = new TempFolder("sql-s3");
        var settings = S3Server.Settings(new GlintSettings().With("min_partitions", "3").With("shuffle_partitions", "3").With("scratch", S3Server.NewPrefix("sql-scratch")));
        var session = new GlintSession(new SessionOptions { Home = home.Path, Settings = settings });
        var inputs = golden.Sources.ToDictionary(kv => kv.Key,
            kv => session.Read.Format(GoldenCase.FormatOf(kv.Value)).Load(S3Server.Dataset(kv.Value)), StringComparer.OrdinalIgnoreCase);
        var frame = session.Sql(golden.Sql, inputs);
        var expected = Text(Reference.QueryOver(golden.Sources, golden.Sql));
        var actual = Text(frame.Collect());
        if (golden.Compare == "ordered") AssertRows.Equal(expected, actual);
        else AssertRows.Equal([.. expected.Order(StringComparer.Ordinal)], [.. actual.Order(StringComparer.Ordinal)]);
        Assert.Empty(Directory.GetFiles(home.Path, "*.parquet", SearchOption.AllDirectories)); // nothing staged is left behind
    }

    private static List<string> Text(IEnumerable<object?[]> rows) => rows.Select(r => string.Join(" | ", r.Select(Reference.Rounded))).ToList();
}
