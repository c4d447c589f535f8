using System.Collections.Immutable;
using Glint.Catalog;

namespace Glint.Web.Glue;

/// <summary>Glue's TableInput and PartitionInput as Glint's table definitions and partitions.</summary>
internal static class TableInputs
{
    /// <summary>The definition a TableInput describes: its location, the format its classification, SerDe or input format names, its columns and keys.</summary>
    public static TableDefinition Definition(GlueRequest input)
    {
        var parameters = input.Map("Parameters");
        var format = Format(input, parameters);
        var options = ImmutableDictionary<string, string>.Empty;
        if (format == "csv")
        {
            var serde = input.Map("StorageDescriptor.SerdeInfo.Parameters");
            if ((serde.GetValueOrDefault("field.delim") ?? serde.GetValueOrDefault("separatorChar")) is { } delimiter) options = options.Add("delimiter", delimiter);
            options = options.Add("header", parameters.GetValueOrDefault("skip.header.line.count") is "1" ? "true" : "false");
        }
        return new TableDefinition(input.Text("StorageDescriptor.Location") ?? "", format, options, Columns(input, "StorageDescriptor.Columns"),
            Columns(input, "PartitionKeys"), parameters.ToImmutableDictionary());
    }

    private static string Format(GlueRequest input, Dictionary<string, string> parameters)
    {
        var known = new[] { "parquet", "csv", "json" };
        if (parameters.GetValueOrDefault("classification")?.ToLowerInvariant() is { } c && known.Contains(c)) return c;
        var hints = $"{input.Text("StorageDescriptor.SerdeInfo.SerializationLibrary")} {input.Text("StorageDescriptor.InputFormat")}".ToLowerInvariant();
        if (hints.Contains("parquet")) return "parquet";
        if (hints.Contains("json")) return "json";
        if (hints.Contains("lazysimpleserde") || hints.Contains("opencsvserde") || hints.Contains("textinputformat")) return "csv";
        return "parquet";
    }

    private static ImmutableArray<CatalogColumn> Columns(GlueRequest input, string path) => [.. input.Array(path).Select((node, i) =>
    {
        var column = input.Item(node, $"{path}[{i}]");
        var name = column.Required("Name");
        return new CatalogColumn(name, GlueTypes.ToDuckDb(column.Text("Type") ?? "string", name), column.Text("Comment"));
    })];

    /// <summary>The partition a PartitionInput describes; its folder is the given location, or the table's followed by key=value folders.</summary>
    public static CatalogPartition Partition(GlueRequest input, CatalogTable table)
    {
        var values = input.Strings("Values", required: true);
        var keys = table.Definition.PartitionKeys;
        if (values.Count != keys.Length)
            throw GlueError.Invalid($"{input.Operation}: Values has {values.Count} value(s) but table {table.QualifiedName} has {keys.Length} partition key(s) ({string.Join(", ", keys.Select(k => k.Name))})");
        var location = input.Text("StorageDescriptor.Location")
            ?? table.Definition.Location.TrimEnd('/') + "/" + string.Join("/", keys.Select((k, i) => $"{k.Name}={values[i]}"));
        return new CatalogPartition([.. values.Select(v => (string?)v)], location, 0, 0, null, "");
    }
}
