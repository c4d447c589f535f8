using Glint.Common;
using Glint.Storage;
using Glint.Tests.Support;

namespace Glint.Tests;

/// <summary>The footer reader must agree with DuckDB's own parquet_file_metadata on every kind of file.</summary>
public sealed class ParquetFooterTests
{
    [Fact]
    public void Row_counts_match_DuckDB_for_every_test_dataset_file()
    {
        var files = new[] { "sales_parquet", "sales_multilevel", "sales_empty" }
            .SelectMany(d => Directory.GetFiles(Datasets.Path(d), "*.parquet", SearchOption.AllDirectories));
        foreach (var file in files)
        {
            var expected = Convert.ToInt64(Reference.Query($"SELECT num_rows FROM parquet_file_metadata('{file}')")[0][0]);
            Assert.Equal(expected, ParquetFooter.RowCount(file));
        }
    }

    [Theory]
    [InlineData("SELECT range AS id FROM range(123457)", "ROW_GROUP_SIZE 1000")]
    [InlineData("SELECT range AS id, [range, range + 1] AS l, {'a': range, 'b': 'x' || range} AS s, map([1], [range]) AS m, range % 2 = 0 AS flag FROM range(5000)", "ROW_GROUP_SIZE 700")]
    [InlineData("SELECT 'long text ' || repeat('x', 500) || range AS t, DECIMAL '1.5' * range AS d, TIMESTAMPTZ '2024-01-01 00:00:00+00' AS tz FROM range(3000)", "COMPRESSION ZSTD")]
    public void Row_counts_match_DuckDB_for_nested_and_many_row_group_files(string query, string options)
    {
        using var dir = new TempFolder("footer");
        Reference.Execute($"COPY ({query}) TO '{dir["f.parquet"]}' (FORMAT PARQUET, {options})");
        var expected = Convert.ToInt64(Reference.Query($"SELECT num_rows FROM parquet_file_metadata('{dir["f.parquet"]}')")[0][0]);
        Assert.Equal(expected, ParquetFooter.RowCount(dir["f.parquet"]));
    }

    [Fact]
    public void A_file_that_is_not_parquet_is_named_in_the_error()
    {
        using var dir = new TempFolder("footer-bad");
        File.WriteAllText(dir["x.parquet"], "definitely not a parquet file");
        Assert.Contains("x.parquet", Assert.Throws<SourceException>(() => ParquetFooter.RowCount(dir["x.parquet"])).Message);
    }
}
