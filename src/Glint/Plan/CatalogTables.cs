using Glint.Catalog;
using Glint.Common;
using Glint.Storage;
using Glint.Storage.Databases;

namespace Glint.Plan;

/// <summary>Catalog tables as leaves of a plan: the catalog resolves a table to a source, this makes it a scan node.</summary>
public static class CatalogTables
{
    /// <summary>A catalog table as the leaf of a plan: a file table is scanned, a database table read through its connection.</summary>
    public static LogicalNode Node(IMetastore store, CatalogTable table, string? predicate, bool listFiles = true, S3Options? s3 = null)
    {
        if (table.Definition.Format is not ("postgresql" or "sqlite"))
            return new ScanNode(CatalogSource.Resolve(store, table, predicate, listFiles, s3));
        if (predicate is not null)
            throw new CatalogException(table.QualifiedName, $"push_down_predicate prunes partitions of file tables; '{table.QualifiedName}' is a {table.Definition.Format} table (filter it in a transform)");
        var location = table.Definition.Location;
        var connection = DatabaseConnection.Parse(table.Definition.Format == "sqlite" ? "sqlite:" + location : location);
        var options = new Dictionary<string, string> { ["dbtable"] = table.Definition.FormatOptions.GetValueOrDefault("table") ?? table.Name };
        var source = DatabaseSourceResolver.Resolve(connection, DatabaseReadOptions.From(options));
        return new DatabaseScanNode(source with { Catalog = new CatalogScan(table.QualifiedName, null, 1, 1, Unlisted: false) });
    }

    /// <summary>The node of a table named database.table (see the other overload).</summary>
    public static LogicalNode Node(IMetastore store, string qualifiedName, string? predicate, S3Options? s3 = null) =>
        Node(store, CatalogSource.Find(store, qualifiedName), predicate, s3: s3);
}
