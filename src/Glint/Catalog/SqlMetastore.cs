using System.Collections.Immutable;
using System.Data.Common;
using System.Text.Json;
using Glint.Common;

namespace Glint.Catalog;

/// <summary>The metastore over ADO.NET: one implementation for SQLite and PostgreSQL, differing only in <see cref="MetastoreDialect"/>.</summary>
public sealed partial class SqlMetastore : IMetastore
{
    private static readonly JsonSerializerOptions Json = new() { WriteIndented = false };
    private readonly MetastoreDialect dialect;

    public SqlMetastore(MetastoreDialect dialect)
    {
        this.dialect = dialect;
        Migrate();
    }

    public string Description => dialect.Name;

    /// <summary>The schema version this store is at after opening.</summary>
    public int SchemaVersion { get; private set; }

    private void Migrate()
    {
        using var c = dialect.Open();
        using var tx = dialect.BeginWrite(c);
        if (dialect.MigrationLock is { } lockSql) Exec(c, tx, lockSql);
        Exec(c, tx, "CREATE TABLE IF NOT EXISTS glint_schema_migrations (version INTEGER PRIMARY KEY, applied_ms BIGINT NOT NULL)");
        var applied = Query(c, tx, "SELECT version FROM glint_schema_migrations", r => Convert.ToInt32(r.GetValue(0))).ToHashSet();
        foreach (var (version, sql) in MetastoreMigrations.All.Where(m => !applied.Contains(m.Version)))
        {
            Exec(c, tx, sql);
            Exec(c, tx, "INSERT INTO glint_schema_migrations (version, applied_ms) VALUES (@v, @t)", ("v", version), ("t", Now()));
        }
        tx.Commit();
        SchemaVersion = MetastoreMigrations.All.Max(m => m.Version);
    }

    public CatalogDatabase CreateDatabase(string name, string description = "")
    {
        CheckName(name, "database");
        return Write(c =>
        {
            var tx = c.Transaction;
            if (Query(c.Connection, tx, "SELECT 1 FROM glint_databases WHERE name = @n", _ => 1, ("n", name)).Count > 0)
                throw new CatalogException(name, $"database '{name}' already exists");
            var created = Now();
            Exec(c.Connection, tx, "INSERT INTO glint_databases (name, description, created_ms) VALUES (@n, @d, @t)", ("n", name), ("d", description), ("t", created));
            return new CatalogDatabase(name, description, FromMs(created));
        });
    }

    public CatalogDatabase EnsureDatabase(string name)
    {
        CheckName(name, "database");
        return Write(c =>
        {
            Exec(c.Connection, c.Transaction, "INSERT INTO glint_databases (name, description, created_ms) VALUES (@n, '', @t) ON CONFLICT (name) DO NOTHING",
                ("n", name), ("t", Now()));
            return Query(c.Connection, c.Transaction, "SELECT name, description, created_ms FROM glint_databases WHERE name = @n", ReadDatabase, ("n", name)).Single();
        });
    }

    public IReadOnlyList<CatalogDatabase> Databases() =>
        Read(c => Query(c, null, "SELECT name, description, created_ms FROM glint_databases ORDER BY name", ReadDatabase));

    public void DropDatabase(string name) => Write(c =>
    {
        RequireDatabase(c, name);
        foreach (var sql in new[] { "DELETE FROM glint_partitions WHERE database_name = @n", "DELETE FROM glint_table_versions WHERE database_name = @n",
                     "DELETE FROM glint_tables WHERE database_name = @n", "DELETE FROM glint_databases WHERE name = @n" })
            Exec(c.Connection, c.Transaction, sql, ("n", name));
        return 0;
    });

    public CatalogTable? FindTable(string database, string name) =>
        Read(c => Query(c, null, "SELECT database_name, name, definition, version, created_ms, updated_ms FROM glint_tables WHERE database_name = @d AND name = @n",
            ReadTable, ("d", database), ("n", name)).SingleOrDefault());

    public IReadOnlyList<CatalogTable> Tables(string database) => Read(c =>
    {
        if (Query(c, null, "SELECT 1 FROM glint_databases WHERE name = @n", _ => 1, ("n", database)).Count == 0)
            throw new CatalogException(database, $"database '{database}' does not exist; databases: {string.Join(", ", Databases().Select(d => d.Name))}");
        return Query(c, null, "SELECT database_name, name, definition, version, created_ms, updated_ms FROM glint_tables WHERE database_name = @d ORDER BY name",
            ReadTable, ("d", database));
    });

    public CatalogTable CreateTable(string database, string name, TableDefinition definition)
    {
        CheckName(name, "table");
        return Write(c =>
        {
            RequireDatabase(c, database);
            if (Query(c.Connection, c.Transaction, "SELECT 1 FROM glint_tables WHERE database_name = @d AND name = @n", _ => 1, ("d", database), ("n", name)).Count > 0)
                throw new CatalogException($"{database}.{name}", $"table '{database}.{name}' already exists");
            var now = Now();
            var json = JsonSerializer.Serialize(definition, Json);
            Exec(c.Connection, c.Transaction,
                "INSERT INTO glint_tables (database_name, name, definition, version, created_ms, updated_ms) VALUES (@d, @n, @j, 1, @t, @t)",
                ("d", database), ("n", name), ("j", json), ("t", now));
            Exec(c.Connection, c.Transaction,
                "INSERT INTO glint_table_versions (database_name, table_name, version, definition, created_ms) VALUES (@d, @n, 1, @j, @t)",
                ("d", database), ("n", name), ("j", json), ("t", now));
            return new CatalogTable(database, name, definition, 1, FromMs(now), FromMs(now));
        });
    }

    public CatalogTable UpdateTable(CatalogTable current, TableDefinition definition) => Write(c =>
    {
        var now = Now();
        var json = JsonSerializer.Serialize(definition, Json);
        var changed = Exec(c.Connection, c.Transaction,
            "UPDATE glint_tables SET definition = @j, version = version + 1, updated_ms = @t WHERE database_name = @d AND name = @n AND version = @v",
            ("j", json), ("t", now), ("d", current.Database), ("n", current.Name), ("v", current.Version));
        if (changed == 0)
        {
            var found = Query(c.Connection, c.Transaction, "SELECT version FROM glint_tables WHERE database_name = @d AND name = @n",
                r => Convert.ToInt64(r.GetValue(0)), ("d", current.Database), ("n", current.Name));
            if (found.Count == 0) throw new CatalogException(current.QualifiedName, $"table '{current.QualifiedName}' does not exist (dropped meanwhile?)");
            throw new ConcurrentUpdateException(current.QualifiedName, current.Version,
                $"table '{current.QualifiedName}' was changed by another writer (version {found[0]}, this update read version {current.Version}); read it again and retry");
        }
        Exec(c.Connection, c.Transaction,
            "INSERT INTO glint_table_versions (database_name, table_name, version, definition, created_ms) VALUES (@d, @n, @v, @j, @t)",
            ("d", current.Database), ("n", current.Name), ("v", current.Version + 1), ("j", json), ("t", now));
        return current with { Definition = definition, Version = current.Version + 1, Updated = FromMs(now) };
    });

    public void DropTable(string database, string name) => Write(c =>
    {
        Exec(c.Connection, c.Transaction, "DELETE FROM glint_partitions WHERE database_name = @d AND table_name = @n", ("d", database), ("n", name));
        Exec(c.Connection, c.Transaction, "DELETE FROM glint_table_versions WHERE database_name = @d AND table_name = @n", ("d", database), ("n", name));
        if (Exec(c.Connection, c.Transaction, "DELETE FROM glint_tables WHERE database_name = @d AND name = @n", ("d", database), ("n", name)) == 0)
            throw new CatalogException($"{database}.{name}", $"table '{database}.{name}' does not exist");
        return 0;
    });

    public IReadOnlyList<TableVersion> Versions(string database, string name) => Read(c => Query(c, null,
        "SELECT version, definition, created_ms FROM glint_table_versions WHERE database_name = @d AND table_name = @n ORDER BY version",
        r => new TableVersion(Convert.ToInt64(r.GetValue(0)), JsonSerializer.Deserialize<TableDefinition>(r.GetString(1), Json)!, FromMs(Convert.ToInt64(r.GetValue(2)))),
        ("d", database), ("n", name)));

    public bool DeleteVersion(string database, string name, long version) => Write(c =>
    {
        var current = Query(c.Connection, c.Transaction, "SELECT version FROM glint_tables WHERE database_name = @d AND name = @n",
            r => Convert.ToInt64(r.GetValue(0)), ("d", database), ("n", name));
        if (current.Count == 0) throw new CatalogException($"{database}.{name}", $"table '{database}.{name}' does not exist");
        if (current[0] == version)
            throw new CatalogException($"{database}.{name}", $"version {version} is the current version of table '{database}.{name}'; only archived versions can be deleted");
        return Exec(c.Connection, c.Transaction, "DELETE FROM glint_table_versions WHERE database_name = @d AND table_name = @n AND version = @v",
            ("d", database), ("n", name), ("v", version)) > 0;
    });

    private const string PartitionColumns = "SELECT values_key, location, file_count, bytes, row_count, fingerprint, state FROM glint_partitions WHERE database_name = @d AND table_name = @n";

    private static CatalogPartition ReadPartition(DbDataReader r) =>
        new(JsonSerializer.Deserialize<ImmutableArray<string?>>(r.GetString(0)), r.GetString(1), Convert.ToInt64(r.GetValue(2)),
            Convert.ToInt64(r.GetValue(3)), r.IsDBNull(4) ? null : Convert.ToInt64(r.GetValue(4)), r.GetString(5), Enum.Parse<PartitionState>(r.GetString(6)));

    public IReadOnlyList<CatalogPartition> Partitions(string database, string table) => Read(c => Query(c, null,
        PartitionColumns + " ORDER BY values_key", ReadPartition, ("d", database), ("n", table)));

    public CatalogPartition? FindPartition(string database, string table, ImmutableArray<string?> values) => Read(c => Query(c, null,
        PartitionColumns + " AND values_key = @k", ReadPartition, ("d", database), ("n", table), ("k", JsonSerializer.Serialize(values)))).FirstOrDefault();

    public void ReplacePartition(string database, string table, ImmutableArray<string?> old, CatalogPartition partition) => Write(c =>
    {
        Exec(c.Connection, c.Transaction, "DELETE FROM glint_partitions WHERE database_name = @d AND table_name = @n AND values_key = @k",
            ("d", database), ("n", table), ("k", JsonSerializer.Serialize(old)));
        Upsert(c, database, table, partition, Now());
        return 0;
    });

    public void PutPartitions(string database, string table, IEnumerable<CatalogPartition> partitions) => Write(c =>
    {
        var now = Now();
        foreach (var p in partitions) Upsert(c, database, table, p, now);
        return 0;
    });

    private static void Upsert(Unit c, string database, string table, CatalogPartition p, long now) =>
        Exec(c.Connection, c.Transaction, """
                INSERT INTO glint_partitions (database_name, table_name, values_key, location, file_count, bytes, row_count, fingerprint, state, updated_ms)
                VALUES (@d, @n, @k, @l, @f, @b, @r, @p, @s, @t)
                ON CONFLICT (database_name, table_name, values_key) DO UPDATE SET location = excluded.location, file_count = excluded.file_count,
                    bytes = excluded.bytes, row_count = excluded.row_count, fingerprint = excluded.fingerprint, state = excluded.state, updated_ms = excluded.updated_ms
                """, ("d", database), ("n", table), ("k", p.Key), ("l", p.Location), ("f", p.FileCount), ("b", p.Bytes), ("r", p.Rows),
                ("p", p.Fingerprint), ("s", p.State.ToString()), ("t", now));

    public void DeletePartitions(string database, string table, IEnumerable<ImmutableArray<string?>> values) => Write(c =>
    {
        foreach (var v in values)
            Exec(c.Connection, c.Transaction, "DELETE FROM glint_partitions WHERE database_name = @d AND table_name = @n AND values_key = @k",
                ("d", database), ("n", table), ("k", JsonSerializer.Serialize(v)));
        return 0;
    });

    public void Dispose() { }

    // ---- plumbing ----

    internal sealed record Unit(DbConnection Connection, DbTransaction Transaction);

    internal T Read<T>(Func<DbConnection, T> work)
    {
        using var c = dialect.Open();
        return work(c);
    }

    internal T Write<T>(Func<Unit, T> work)
    {
        using var c = dialect.Open();
        using var tx = dialect.BeginWrite(c);
        var result = work(new Unit(c, tx));
        tx.Commit();
        return result;
    }

    private static void RequireDatabase(Unit c, string name)
    {
        if (Query(c.Connection, c.Transaction, "SELECT 1 FROM glint_databases WHERE name = @n", _ => 1, ("n", name)).Count == 0)
            throw new CatalogException(name, $"database '{name}' does not exist");
    }

    internal static void CheckName(string name, string what)
    {
        if (string.IsNullOrWhiteSpace(name) || !name.All(ch => char.IsLetterOrDigit(ch) || ch is '_' or '-'))
            throw new CatalogException(name, $"{what} name '{name}' may hold only letters, digits, '_' and '-'");
    }

    private static CatalogDatabase ReadDatabase(DbDataReader r) => new(r.GetString(0), r.GetString(1), FromMs(Convert.ToInt64(r.GetValue(2))));

    private static CatalogTable ReadTable(DbDataReader r) => new(r.GetString(0), r.GetString(1),
        JsonSerializer.Deserialize<TableDefinition>(r.GetString(2), Json)!, Convert.ToInt64(r.GetValue(3)),
        FromMs(Convert.ToInt64(r.GetValue(4))), FromMs(Convert.ToInt64(r.GetValue(5))));

    internal static long Now() => DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
    internal static DateTimeOffset FromMs(long ms) => DateTimeOffset.FromUnixTimeMilliseconds(ms);

    internal static int Exec(DbConnection c, DbTransaction? tx, string sql, params (string Name, object? Value)[] parameters)
    {
        using var command = Command(c, tx, sql, parameters);
        return command.ExecuteNonQuery();
    }

    internal static List<T> Query<T>(DbConnection c, DbTransaction? tx, string sql, Func<DbDataReader, T> read, params (string Name, object? Value)[] parameters)
    {
        using var command = Command(c, tx, sql, parameters);
        using var reader = command.ExecuteReader();
        var rows = new List<T>();
        while (reader.Read()) rows.Add(read(reader));
        return rows;
    }

    private static DbCommand Command(DbConnection c, DbTransaction? tx, string sql, (string Name, object? Value)[] parameters)
    {
        var command = c.CreateCommand();
        command.Transaction = tx;
        command.CommandText = sql;
        foreach (var (name, value) in parameters)
        {
            var p = command.CreateParameter();
            p.ParameterName = name;
            p.Value = value ?? DBNull.Value;
            command.Parameters.Add(p);
        }
        return command;
    }
}
