namespace Glint.Catalog;

/// <summary>What a crawler does when a table's schema changes incompatibly (a column dropped, a type changed): Glue's UpdateBehavior.</summary>
public enum SchemaChangePolicy { Log, UpdateInDatabase }

/// <summary>What a crawler does with partitions whose folders vanished: Glue's DeleteBehavior.</summary>
public enum DeletePolicy { Log, DeleteFromDatabase, DeprecateInDatabase }

/// <summary>A crawler's settings: the database it fills and its policies.</summary>
public sealed record CrawlerOptions(string Database)
{
    /// <summary>Incompatible schema changes are logged and the table is left as it was (default), or applied.</summary>
    public SchemaChangePolicy SchemaPolicy { get; init; } = SchemaChangePolicy.Log;
    /// <summary>Vanished partitions are kept but marked deprecated (default, as Glue), deleted, or only logged.</summary>
    public DeletePolicy DeletePolicy { get; init; } = DeletePolicy.DeprecateInDatabase;
    /// <summary>Sibling folders whose schemas are compatible (not only equal) become one table, partitioned by folder (Glue's CombineCompatibleSchemas).</summary>
    public bool CombineCompatibleSchemas { get; init; }
    /// <summary>Put before the name of every table the crawl creates (Glue's TablePrefix).</summary>
    public string TablePrefix { get; init; } = "";
    /// <summary>Globs relative to the crawled folder whose files and folders are skipped (Glue's Exclusions).</summary>
    public System.Collections.Immutable.ImmutableArray<string> Exclusions { get; init; } = [];

    public static SchemaChangePolicy ParseSchemaPolicy(string text) => text.Trim().ToUpperInvariant() switch
    {
        "LOG" => SchemaChangePolicy.Log,
        "UPDATE_IN_DATABASE" => SchemaChangePolicy.UpdateInDatabase,
        _ => throw new Common.ConfigException("schema-policy", $"unknown schema change policy '{text}'; expected LOG or UPDATE_IN_DATABASE"),
    };

    public static DeletePolicy ParseDeletePolicy(string text) => text.Trim().ToUpperInvariant() switch
    {
        "LOG" => DeletePolicy.Log,
        "DELETE_FROM_DATABASE" => DeletePolicy.DeleteFromDatabase,
        "DEPRECATE_IN_DATABASE" => DeletePolicy.DeprecateInDatabase,
        _ => throw new Common.ConfigException("delete-policy", $"unknown delete policy '{text}'; expected LOG, DELETE_FROM_DATABASE or DEPRECATE_IN_DATABASE"),
    };
}

/// <summary>What one crawl changed, table by table, and what it warned about.</summary>
public sealed class CrawlResult
{
    public List<string> TablesCreated { get; } = [];
    public List<string> TablesUpdated { get; } = [];
    public List<string> TablesUnchanged { get; } = [];
    public int PartitionsAdded { get; set; }
    public int PartitionsUpdated { get; set; }
    public int PartitionsUnchanged { get; set; }
    public int PartitionsRemoved { get; set; }
    public int PartitionsDeprecated { get; set; }
    public List<string> Warnings { get; } = [];

    /// <summary>Whether the crawl changed nothing in the catalog.</summary>
    public bool NoChange => TablesCreated.Count == 0 && TablesUpdated.Count == 0 && PartitionsAdded == 0 && PartitionsUpdated == 0 &&
                            PartitionsRemoved == 0 && PartitionsDeprecated == 0;
}
