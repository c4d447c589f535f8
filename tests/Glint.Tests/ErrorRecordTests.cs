using System.Text.Json;
using Glint.Api;
using Glint.Errors;
using Glint.Tests.Support;

namespace Glint.Tests;

/// <summary>Malformed CSV rows become error records (file, line, reason, raw text) instead of failing the run; thresholds fail it.</summary>
public sealed class ErrorRecordTests : IDisposable
{
    private readonly TempFolder dir = new("error-records");

    public void Dispose() => dir.Dispose();

    /// <summary>10 files of 100 rows; in each, one row (1%) is malformed: a text amount or an extra column.</summary>
    private string Input()
    {
        Directory.CreateDirectory(dir["in"]);
        for (var f = 0; f < 10; f++)
        {
            var lines = new List<string> { "id,amount" };
            for (var i = 0; i < 100; i++)
            {
                var id = f * 100 + i;
                lines.Add(i != 37 ? $"{id},{i * 1.5}" : f % 2 == 0 ? $"{id},not-a-number" : $"{id},1.0,extra");
            }
            File.WriteAllLines(dir[$"in/part-{f}.csv"], lines);
        }
        return dir["in"];
    }

    private DataFrame Read(GlintSession session) =>
        session.Read.Format("csv").Schema("id BIGINT, amount DOUBLE").Option("on_error", "record").Load(Input());

    private GlintSession Session(params (string Key, string Value)[] settings) => new(new SessionOptions
    {
        Home = dir["home"],
        Settings = new GlintSettings().With(settings.Select(s => new KeyValuePair<string, string>(s.Key, s.Value)))
            .With("error_path", dir["errors"]).With("max_partition_bytes", "2KB"),
    });

    [Fact]
    public void Rows_read_equal_rows_written_plus_error_records()
    {
        var summary = Read(Session()).Write().Save(dir["out"]);
        Assert.Equal(10, summary.ErrorRecords);
        Assert.Equal(1000, summary.RowsOut + summary.ErrorRecords);
        var written = Reference.Query($"SELECT id FROM read_parquet('{dir["out"]}/*.parquet') ORDER BY id").Select(r => Convert.ToInt64(r[0])).ToList();
        Assert.Equal(Enumerable.Range(0, 1000).Where(i => i % 100 != 37).Select(i => (long)i), written);

        var records = File.ReadAllLines(summary.ErrorFile!).Select(l => JsonDocument.Parse(l).RootElement).ToList();
        Assert.Equal(10, records.Count);
        var first = records.Single(r => r.GetProperty("file").GetString()!.EndsWith("part-0.csv"));
        Assert.Equal(39, first.GetProperty("line").GetInt64());       // header is line 1, row 37 is line 39
        Assert.Equal("37,not-a-number", first.GetProperty("raw").GetString());
        Assert.Equal("CAST", first.GetProperty("kind").GetString());
        Assert.Contains(records, r => r.GetProperty("kind").GetString() == "TOO MANY COLUMNS" && r.GetProperty("raw").GetString() == "137,1.0,extra");
    }

    [Theory]
    [InlineData("error_threshold", "5", false)]
    [InlineData("error_threshold", "0.005", false)]
    [InlineData("error_threshold", "0.02", true)]
    [InlineData("error_threshold", "10", true)]
    [InlineData("stage_error_threshold", "9", false)]
    public void Thresholds_fail_the_run_before_its_commit(string key, string value, bool passes)
    {
        var write = () => Read(Session((key, value))).Write().Save(dir["out"]);
        if (passes)
        {
            Assert.Equal(10, write().ErrorRecords);
            return;
        }
        var e = Assert.Throws<ErrorThresholdException>(write);
        Assert.Contains($"over {key} {double.Parse(value, System.Globalization.CultureInfo.InvariantCulture)}", e.Message);
        Assert.Contains("no target was changed", e.Message);
        Assert.False(Directory.Exists(dir["out"]));
        Assert.Single(Directory.GetFiles(dir["errors"]));   // the records are kept for looking into
    }

    [Fact]
    public void Without_on_error_a_malformed_row_fails_the_run_and_other_formats_refuse_the_option()
    {
        var session = Session();
        Assert.Throws<TaskFailedException>(() => session.Read.Format("csv").Schema("id BIGINT, amount DOUBLE").Load(Input()).Write().Save(dir["out"]));
        var e = Assert.Throws<ConfigException>(() => session.Read.Format("parquet").Option("on_error", "record").Load(Datasets.Path("sales_parquet")));
        Assert.Contains("on_error: record is supported for CSV sources", e.Message);
        Assert.Throws<ConfigException>(() => session.Read.Format("csv").Option("on_error", "skip").Load(Input()));
    }
}
