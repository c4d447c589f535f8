using Glint.Jobs;
using YamlDotNet.Serialization;
using YamlDotNet.Serialization.NamingConventions;

namespace Glint.Tests.Support;

/// <summary>A differential case kept as a data file: sources (test datasets), transforms as in a job spec, and the same query in plain SQL.</summary>
public sealed class GoldenCase
{
    public string Name { get; set; } = "";
    public Dictionary<string, string> Sources { get; set; } = [];
    public List<TransformSpec> Transforms { get; set; } = [];
    /// <summary>The transform whose rows are compared; the last one when absent.</summary>
    public string? Result { get; set; }
    public string Reference { get; set; } = "";
    /// <summary>rows (default) or count (for limits, where which rows is unspecified).</summary>
    public string Compare { get; set; } = "rows";
    public WriteCase? Write { get; set; }

    public sealed class WriteCase
    {
        public string Format { get; set; } = "parquet";
        public List<string> PartitionBy { get; set; } = [];
    }

    public static string Folder => Path.Combine(AppContext.BaseDirectory, "Golden", "narrow");

    public static GoldenCase Load(string file) =>
        new DeserializerBuilder().WithNamingConvention(UnderscoredNamingConvention.Instance).Build()
            .Deserialize<GoldenCase>(File.ReadAllText(Path.Combine(Folder, file)));

    public static IEnumerable<object[]> All(params int[] splits) =>
        Directory.GetFiles(Folder, "*.yaml").Select(Path.GetFileName).Order()
            .SelectMany(f => splits.Select(n => new object[] { f!, n }));

    /// <summary>The case as a job spec over the test datasets (no targets: the test decides what to do with the result).</summary>
    public JobSpec ToSpec() => new()
    {
        Name = Name,
        Sources = Sources.ToDictionary(kv => kv.Key, kv => new SourceSpec { Path = Datasets.Path(kv.Value), Format = FormatOf(kv.Value) }),
        Transforms = Transforms,
    };

    public static string FormatOf(string dataset) =>
        dataset.EndsWith("_csv", StringComparison.Ordinal) ? "csv" : dataset.EndsWith("_json", StringComparison.Ordinal) ? "json" : "parquet";
}
