using System.Collections.Immutable;
using System.Text.Json.Nodes;
using Glint.Catalog;

namespace Glint.Web.Glue;

/// <summary>
/// Glue's Database, Table and Partition shapes from Glint's catalog. What Glint uses (location, format, columns, partition keys,
/// parameters) comes from the catalog; what a client set that Glint does not use (Description, Owner, SerDe, TableType …) comes back
/// from the document kept with the table version, so a client reads back what it wrote and no default it did not set.
/// </summary>
internal static class CatalogShapes
{
    public const string DatabaseKind = "database", TableKind = "table";

    public static JsonObject Database(GlueService service, CatalogDatabase database)
    {
        var o = GlueJson.Parse(service.Store.Document(DatabaseKind, database.Name));
        o["Name"] = database.Name;
        if (database.Description.Length > 0 && o["Description"] is null) o["Description"] = database.Description;
        o["CreateTime"] = GlueJson.Time(database.Created);
        o["CatalogId"] = service.Options.Account;
        return o;
    }

    /// <summary>The key a table version's document is kept under.</summary>
    public static string TableKey(string database, string table, long version) => $"{database}.{table}#{version}";

    /// <summary>The document of the newest version up to <paramref name="version"/> that has one (a crawl's new version keeps the client's SerDe).</summary>
    public static JsonObject? TableDocument(GlueService service, string database, string table, long version)
    {
        var docs = service.Store.Documents(TableKind, $"{database}.{table}#");
        var best = docs.Select(d => (Version: long.Parse(d.Key[(d.Key.LastIndexOf('#') + 1)..], System.Globalization.CultureInfo.InvariantCulture), d.Value))
            .Where(d => d.Version <= version).OrderByDescending(d => d.Version).FirstOrDefault();
        return best.Value is null ? null : GlueJson.Parse(best.Value);
    }

    public static JsonObject Table(GlueService service, CatalogTable table) => Table(service, table.Database, table.Name, table.Definition, table.Version,
        table.Created, table.Updated);

    public static JsonObject Table(GlueService service, string database, string name, TableDefinition definition, long version, DateTimeOffset created, DateTimeOffset updated)
    {
        var document = TableDocument(service, database, name, version);
        var o = GlueJson.Copy(document);
        o["Name"] = name;
        o["DatabaseName"] = database;
        o["CreateTime"] = GlueJson.Time(created);
        o["UpdateTime"] = GlueJson.Time(updated);
        var sd = o["StorageDescriptor"] as JsonObject ?? Derived(definition);
        sd["Columns"] = Columns(definition.Columns, sd["Columns"] as JsonArray);
        if (definition.Location.Length > 0) sd["Location"] = definition.Location;
        o["StorageDescriptor"] = sd;
        o["PartitionKeys"] = Columns(definition.PartitionKeys, o["PartitionKeys"] as JsonArray);
        if (definition.Parameters.Count > 0 || o["Parameters"] is not null) o["Parameters"] = GlueJson.Map(definition.Parameters);
        if (document is null) o["TableType"] = "EXTERNAL_TABLE";
        o["VersionId"] = version.ToString(System.Globalization.CultureInfo.InvariantCulture);
        o["CatalogId"] = service.Options.Account;
        return o;
    }

    public static JsonObject Partition(GlueService service, CatalogTable table, JsonObject tableShape, CatalogPartition partition)
    {
        var sd = GlueJson.Copy(tableShape["StorageDescriptor"] as JsonObject);
        sd["Location"] = partition.Location;
        return new JsonObject
        {
            ["Values"] = GlueJson.Strings(partition.Values),
            ["DatabaseName"] = table.Database,
            ["TableName"] = table.Name,
            ["StorageDescriptor"] = sd,
            ["CatalogId"] = service.Options.Account,
        };
    }

    /// <summary>Columns in Glue's types; a column whose type the client spelled differently but equally (varchar(20), integer) keeps its spelling.</summary>
    private static JsonArray Columns(ImmutableArray<CatalogColumn> columns, JsonArray? given)
    {
        var spelled = (given ?? []).OfType<JsonObject>()
            .Where(c => c["Name"] is not null && c["Type"] is not null)
            .GroupBy(c => c["Name"]!.GetValue<string>(), StringComparer.OrdinalIgnoreCase)
            .ToDictionary(g => g.Key, g => g.First(), StringComparer.OrdinalIgnoreCase);
        return new JsonArray([.. columns.Select(c =>
        {
            var type = spelled.TryGetValue(c.Name, out var s) && Same(s["Type"]!.GetValue<string>(), c.Type) ? s["Type"]!.GetValue<string>() : GlueTypes.ToGlue(c.Type);
            return (JsonNode)new JsonObject { ["Name"] = c.Name, ["Type"] = type }.Put("Comment", c.Comment);
        })]);
    }

    private static bool Same(string glue, string duckdb)
    {
        try { return string.Equals(GlueTypes.ToDuckDb(glue, ""), duckdb, StringComparison.OrdinalIgnoreCase); }
        catch (GlueError) { return false; }
    }

    /// <summary>The storage descriptor of a table no client described (crawled): Hive's input/output formats and SerDe for its format.</summary>
    private static JsonObject Derived(TableDefinition definition)
    {
        var (input, output, serde) = definition.Format switch
        {
            "parquet" => ("org.apache.hadoop.hive.ql.io.parquet.MapredParquetInputFormat", "org.apache.hadoop.hive.ql.io.parquet.MapredParquetOutputFormat",
                "org.apache.hadoop.hive.ql.io.parquet.serde.ParquetHiveSerDe"),
            "csv" => ("org.apache.hadoop.mapred.TextInputFormat", "org.apache.hadoop.hive.ql.io.HiveIgnoreKeyTextOutputFormat",
                "org.apache.hadoop.hive.serde2.lazy.LazySimpleSerDe"),
            "json" => ("org.apache.hadoop.mapred.TextInputFormat", "org.apache.hadoop.hive.ql.io.HiveIgnoreKeyTextOutputFormat",
                "org.openx.data.jsonserde.JsonSerDe"),
            _ => ((string?)null, (string?)null, (string?)null),
        };
        var serdeInfo = new JsonObject().Put("SerializationLibrary", serde);
        if (definition.FormatOptions.TryGetValue("delimiter", out var delimiter)) serdeInfo["Parameters"] = new JsonObject { ["field.delim"] = delimiter };
        return new JsonObject().Put("InputFormat", input).Put("OutputFormat", output).Put("SerdeInfo", serde is null ? null : serdeInfo);
    }
}
