using Glint.Plan;
using Glint.Storage;

namespace Glint.Api;

/// <summary>Builds a DataFrame over files: format and options, then a path, folder or glob.</summary>
public sealed class DataFrameReader(GlintSession session)
{
    private FileFormat format = FileFormat.Parquet;
    private readonly Dictionary<string, string> options = new(StringComparer.OrdinalIgnoreCase);

    public DataFrameReader Format(string name) { format = FileFormats.Parse(name); return this; }
    public DataFrameReader Option(string key, string value) { options[key] = value; return this; }
    public DataFrameReader Option(string key, bool value) => Option(key, value ? "true" : "false");
    /// <summary>Explicit column list, e.g. "id BIGINT, name VARCHAR"; otherwise the schema is inferred.</summary>
    public DataFrameReader Schema(string columns) => Option("schema", columns);

    public DataFrame Load(string path) =>
        new(session, new ScanNode(SourceResolver.Resolve(path, format, ReadOptions.From(options))));

    public DataFrame Parquet(string path) => Format("parquet").Load(path);
    public DataFrame Csv(string path) => Format("csv").Load(path);
    public DataFrame Json(string path) => Format("json").Load(path);
}
