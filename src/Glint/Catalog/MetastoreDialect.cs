using System.Data.Common;
using Microsoft.Data.Sqlite;
using Npgsql;

namespace Glint.Catalog;

/// <summary>What differs between the metastore's backends: how to connect, and how to serialize schema migrations.</summary>
public abstract class MetastoreDialect
{
    public abstract string Name { get; }
    public abstract DbConnection Open();
    /// <summary>Runs before migrations, inside their transaction, so two processes opening at once migrate one after the other.</summary>
    public abstract string? MigrationLock { get; }
    public abstract DbTransaction BeginWrite(DbConnection connection);
}

/// <summary>A SQLite file (the embedded default), in WAL mode with a busy timeout so several processes can share it.</summary>
internal sealed class SqliteDialect(string path) : MetastoreDialect
{
    private readonly string connectionString = new SqliteConnectionStringBuilder
    {
        DataSource = path,
        Mode = SqliteOpenMode.ReadWriteCreate,
        DefaultTimeout = 60,
        Pooling = true,
    }.ToString();

    public string Path => path;
    public override string Name => $"sqlite {path}";

    public override DbConnection Open()
    {
        var connection = new SqliteConnection(connectionString);
        connection.Open();
        using var pragma = connection.CreateCommand();
        pragma.CommandText = "PRAGMA journal_mode=WAL; PRAGMA busy_timeout=60000; PRAGMA foreign_keys=ON;";
        pragma.ExecuteNonQuery();
        return connection;
    }

    public override string? MigrationLock => null;

    // BEGIN IMMEDIATE takes the write lock at once, so a read-then-write transaction cannot deadlock with another process.
    public override DbTransaction BeginWrite(DbConnection connection) => ((SqliteConnection)connection).BeginTransaction(deferred: false);
}

/// <summary>A PostgreSQL database, for metastores shared by processes on several machines.</summary>
internal sealed class PostgresDialect(string connectionString) : MetastoreDialect
{
    private readonly NpgsqlDataSource source = NpgsqlDataSource.Create(connectionString);

    public override string Name
    {
        get
        {
            var b = new NpgsqlConnectionStringBuilder(connectionString);
            return $"postgresql {b.Host}:{b.Port}/{b.Database}";
        }
    }

    public override DbConnection Open() => source.OpenConnection();

    public override string? MigrationLock => "SELECT pg_advisory_xact_lock(7243911)";

    public override DbTransaction BeginWrite(DbConnection connection) => connection.BeginTransaction(System.Data.IsolationLevel.ReadCommitted);
}
