using Glint.Common;

namespace Glint.Storage;

/// <summary>File formats Glint reads and writes.</summary>
public enum FileFormat { Parquet, Csv, Json }

internal static class FileFormats
{
    public static FileFormat Parse(string name) => name.Trim().ToLowerInvariant() switch
    {
        "parquet" => FileFormat.Parquet,
        "csv" => FileFormat.Csv,
        "json" or "jsonl" or "ndjson" or "json_lines" => FileFormat.Json,
        _ => throw new ConfigException("format", $"unknown format '{name}'; expected parquet, csv or json"),
    };

    public static string Extension(FileFormat f) => f switch
    {
        FileFormat.Parquet => "parquet",
        FileFormat.Csv => "csv",
        _ => "json",
    };
}
