using System.Text.Json;
using Glint.Api;
using Glint.Common;
using Glint.Execution;
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
        Assert.Contains(records, r => r.GetProperty("kind").GetString() == "TOO MANY COLUMNS" && r.GetProperty("raw").GetString() == "137,1.0,extra"
            && r.GetProperty("reason").GetString() == "expected 2 columns, found 3");
        Assert.Equal("column 'amount': 'not-a-number' is not DOUBLE", first.GetProperty("reason").GetString());
    }

    [Fact]
    public void A_row_with_several_things_wrong_is_one_error_record_with_its_reasons_joined()
    {
        Directory.CreateDirectory(dir["wide"]);
        var lines = new List<string> { "a,b,c,d,e" };
        lines.AddRange(Enumerable.Range(0, 10_000).Select(i => $"{i},{i},{i},{i},{i}"));
        lines.Insert(101, "1");                        // four columns missing
        lines.Insert(202, "x,y,3,z,5");                // three values that are not BIGINT
        File.WriteAllLines(dir["wide/part-0.csv"], lines);
        var summary = Session(("error_threshold", "2")).Read.Format("csv").Schema("a BIGINT, b BIGINT, c BIGINT, d BIGINT, e BIGINT")
            .Option("on_error", "record").Load(dir["wide"]).Write().Save(dir["out"]);
        Assert.Equal(2, summary.ErrorRecords);
        Assert.Equal(10_002, summary.RowsOut + summary.ErrorRecords);
        var records = File.ReadAllLines(summary.ErrorFile!).Select(l => JsonDocument.Parse(l).RootElement).ToList();
        Assert.Equal([102L, 203L], records.Select(r => r.GetProperty("line").GetInt64()));
        Assert.Equal("1", records[0].GetProperty("raw").GetString());
        Assert.Equal(("MISSING COLUMNS", "expected 5 columns, found 1"), (records[0].GetProperty("kind").GetString(), records[0].GetProperty("reason").GetString()));
        Assert.Equal("CAST", records[1].GetProperty("kind").GetString());
        Assert.Equal("column 'a': 'x' is not BIGINT; column 'b': 'y' is not BIGINT; column 'd': 'z' is not BIGINT", records[1].GetProperty("reason").GetString());
        Assert.Contains("'x' is not BIGINT", File.ReadAllText(summary.ErrorFile!));   // readable, not \u0027 escapes
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
        Assert.Contains("on_error: record is for CSV and JSON sources", e.Message);
        Assert.Throws<ConfigException>(() => session.Read.Format("csv").Option("on_error", "skip").Load(Input()));
    }

    /// <summary>10 JSON-lines files of 100 lines under day= folders; in each, one line (1%) is bad: malformed JSON, a value that is not its column's type, or not an object.</summary>
    private string JsonInput()
    {
        for (var f = 0; f < 10; f++)
        {
            var lines = new List<string>();
            for (var i = 0; i < 100; i++)
            {
                var id = f * 100 + i;
                lines.Add(i != 37 ? $$"""{"id": {{id}}, "amount": {{i * 1.5}}, "note": "ok ✓ {{i}}"}"""
                    : (f % 3) switch
                    {
                        0 => $$"""{"id": {{id}}, "amount": "lots"}""",
                        1 => $$"""{"id": {{id}}, "amount": 1.5""",
                        _ => "[1, 2, 3]",
                    });
            }
            Directory.CreateDirectory(dir[$"json/day=2024-01-0{f % 3 + 1}"]);
            File.WriteAllText(dir[$"json/day=2024-01-0{f % 3 + 1}/part-{f}.json"], string.Join("\n", lines) + "\n\n");
        }
        return dir["json"];
    }

    [Fact]
    public void Malformed_json_lines_and_values_that_do_not_fit_their_type_become_error_records()
    {
        var frame = Session().Read.Format("json").Schema("id BIGINT, amount DOUBLE, note VARCHAR").Option("on_error", "record").Load(JsonInput());
        Assert.Equal(["id", "amount", "note", "day"], frame.Schema.Names);
        var summary = frame.Write().Save(dir["out"]);
        Assert.Equal(10, summary.ErrorRecords);
        Assert.Equal(1000, summary.RowsOut + summary.ErrorRecords);
        var written = Reference.Query($"SELECT id, amount, note, CAST(day AS VARCHAR) FROM read_parquet('{dir["out"]}/*.parquet') ORDER BY id");
        Assert.Equal(Enumerable.Range(0, 1000).Where(i => i % 100 != 37).Select(i => (long)i), written.Select(r => Convert.ToInt64(r[0])));
        Assert.Equal([101L, 1.5, "ok ✓ 1", "2024-01-02"], written.Single(r => Convert.ToInt64(r[0]) == 101).Select(v => v is long or double or string ? v : v?.ToString()));

        var records = File.ReadAllLines(summary.ErrorFile!).Select(l => JsonDocument.Parse(l).RootElement).ToList();
        var cast = records.Single(r => r.GetProperty("file").GetString()!.EndsWith("part-0.json"));
        Assert.Equal(38, cast.GetProperty("line").GetInt64());
        Assert.Equal("CAST", cast.GetProperty("kind").GetString());
        Assert.Equal("column 'amount': 'lots' is not DOUBLE", cast.GetProperty("reason").GetString());
        Assert.Equal("""{"id": 37, "amount": "lots"}""", cast.GetProperty("raw").GetString());
        var malformed = records.Single(r => r.GetProperty("file").GetString()!.EndsWith("part-1.json"));
        Assert.Equal(("JSON", "malformed JSON"), (malformed.GetProperty("kind").GetString(), malformed.GetProperty("reason").GetString()));
        Assert.Contains(records, r => r.GetProperty("reason").GetString() == "not a JSON object" && r.GetProperty("raw").GetString() == "[1, 2, 3]");
        Assert.Throws<ErrorThresholdException>(() => Session(("error_threshold", "5")).Read.Format("json").Schema("id BIGINT, amount DOUBLE, note VARCHAR")
            .Option("on_error", "record").Load(JsonInput()).Write().Mode("overwrite").Save(dir["out2"]));
    }
}
