using System.Collections.Immutable;

namespace Glint.Catalog;

/// <summary>
/// The data catalog's storage: databases, tables with their versions, and partitions. Two backends
/// share one implementation (<see cref="SqlMetastore"/>): a SQLite file and a PostgreSQL database.
/// Table updates are optimistic: an update names the version it read and fails if another writer came first.
/// </summary>
public interface IMetastore : IDisposable
{
    /// <summary>Which store this is, for messages ("sqlite /home/me/.glint/metastore.db").</summary>
    string Description { get; }

    CatalogDatabase CreateDatabase(string name, string description = "");
    /// <summary>The database, created if it does not exist.</summary>
    CatalogDatabase EnsureDatabase(string name);
    IReadOnlyList<CatalogDatabase> Databases();
    /// <summary>Drops a database with its tables and partitions.</summary>
    void DropDatabase(string name);

    CatalogTable? FindTable(string database, string name);
    IReadOnlyList<CatalogTable> Tables(string database);
    /// <summary>Creates a table at version 1 (its first table version).</summary>
    CatalogTable CreateTable(string database, string name, TableDefinition definition);
    /// <summary>Replaces the definition of the table read as <paramref name="current"/>; a new table version. Throws <see cref="Common.ConcurrentUpdateException"/> if it changed since.</summary>
    CatalogTable UpdateTable(CatalogTable current, TableDefinition definition);
    void DropTable(string database, string name);
    IReadOnlyList<TableVersion> Versions(string database, string name);
    /// <summary>Removes one archived version of a table; the current version cannot be removed. False if there is no such version.</summary>
    bool DeleteVersion(string database, string name, long version);

    IReadOnlyList<CatalogPartition> Partitions(string database, string table);
    /// <summary>The partition with these values, or null; one row read, however many partitions the table has.</summary>
    CatalogPartition? FindPartition(string database, string table, ImmutableArray<string?> values);
    /// <summary>Adds partitions or replaces those with the same values.</summary>
    void PutPartitions(string database, string table, IEnumerable<CatalogPartition> partitions);
    void DeletePartitions(string database, string table, IEnumerable<ImmutableArray<string?>> values);
    /// <summary>Replaces the partition with values <paramref name="old"/> by <paramref name="partition"/> (whose values may differ) in one transaction.</summary>
    void ReplacePartition(string database, string table, ImmutableArray<string?> old, CatalogPartition partition);
}
