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
    /// <summary>rows (default, as multisets), ordered (row order matters) or count (for limits, where which rows is unspecified).</summary>
    public string Compare { get; set; } = "rows";
    public WriteCase? Write { get; set; }
    /// <summary>Settings for this case (e.g. broadcast_threshold), applied on top of the split settings.</summary>
    public Dictionary<string, string> Settings { get; set; } = [];

    public sealed class WriteCase
    {
        public string Format { get; set; } = "parquet";
        public List<string> PartitionBy { get; set; } = [];
    }

    public static string Folder(string kind) => Path.Combine(AppContext.BaseDirectory, "Golden", kind);

    public static GoldenCase Load(string kind, string file) =>
        new DeserializerBuilder().WithNamingConvention(UnderscoredNamingConvention.Instance).Build()
            .Deserialize<GoldenCase>(File.ReadAllText(Path.Combine(Folder(kind), file)));

    public static IEnumerable<string> Files(string kind) =>
        Directory.GetFiles(Folder(kind), "*.yaml").Select(f => Path.GetFileName(f)!).Order();

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
