using System.Data.Common;
using Glint.Common;
using Microsoft.Data.Sqlite;
using Npgsql;

namespace Glint.Storage.Databases;

/// <summary>The database kinds Glint reads and writes.</summary>
public enum DatabaseKind { Postgres, Sqlite }

/// <summary>
/// A relational database a source or target names: a PostgreSQL URL or connection string, or a SQLite file.
/// The text with its password is kept only in memory; <see cref="ToString"/> and every message show <see cref="Redacted"/>.
/// </summary>
public sealed record DatabaseConnection(DatabaseKind Kind, string ConnectionString)
{
    /// <summary>The connection without its password: safe for logs, Explain, run records and the catalog.</summary>
    public string Redacted => Kind == DatabaseKind.Sqlite ? ConnectionString : Redact(ConnectionString);

    public override string ToString() => Redacted;

    /// <summary>Whether <paramref name="location"/> names a database rather than files.</summary>
    public static bool Names(string location) => IsPostgres(location) || location.StartsWith("sqlite:", StringComparison.OrdinalIgnoreCase);

    /// <summary>A PostgreSQL URL (postgresql://user:password@host:port/db) or key=value connection string, or sqlite:&lt;file&gt; (or a file path).</summary>
    public static DatabaseConnection Parse(string location)
    {
        if (IsPostgres(location))
        {
            try
            {
                var text = location.StartsWith("postgres", StringComparison.OrdinalIgnoreCase) && location.Contains("://") ? FromUrl(location) : location;
                return new DatabaseConnection(DatabaseKind.Postgres, new NpgsqlConnectionStringBuilder(text).ConnectionString);
            }
            catch (ArgumentException e)
            {
                throw new SourceException(Redact(location), $"'{Redact(location)}' is not a valid PostgreSQL connection: {e.Message}", e);
            }
        }
        var path = location.StartsWith("sqlite:", StringComparison.OrdinalIgnoreCase) ? location["sqlite:".Length..] : location;
        if (!File.Exists(path)) throw new SourceException(path, $"the SQLite database '{path}' does not exist");
        return new DatabaseConnection(DatabaseKind.Sqlite, Path.GetFullPath(path));
    }

    /// <summary>
    /// The same connection with no password in it, as the catalog keeps it: reading it later takes the password
    /// from PGPASSWORD or a pgpass file, as every PostgreSQL client does.
    /// </summary>
    public DatabaseConnection WithoutPassword()
    {
        if (Kind == DatabaseKind.Sqlite) return this;
        var builder = new NpgsqlConnectionStringBuilder(ConnectionString);
        builder.Remove("Password");
        return this with { ConnectionString = builder.ConnectionString };
    }

    /// <summary>An open connection; SQLite files are opened read-only unless <paramref name="write"/>.</summary>
    public DbConnection Open(bool write = false)
    {
        DbConnection connection = Kind == DatabaseKind.Postgres
            ? new NpgsqlConnection(ConnectionString)
            : new SqliteConnection(new SqliteConnectionStringBuilder
            {
                DataSource = ConnectionString,
                Mode = write ? SqliteOpenMode.ReadWrite : SqliteOpenMode.ReadOnly,
                DefaultTimeout = 60,
            }.ToString());
        try
        {
            connection.Open();
            if (connection is SqliteConnection sqlite) SqliteHash.Register(sqlite);
            return connection;
        }
        catch (Exception e) when (e is DbException or InvalidOperationException or System.Net.Sockets.SocketException or TimeoutException)
        {
            connection.Dispose();
            throw Failure("cannot connect to", e);
        }
    }

    /// <summary>A database error as Glint's: transient when the connection dropped or the server is busy, with the password never in it.</summary>
    public GlintException Failure(string doing, Exception e)
    {
        var message = $"{doing} the database '{Redacted}': {Redact(e.Message)}";
        var transient = e switch
        {
            NpgsqlException { IsTransient: true } => true,
            SqliteException s => s.SqliteErrorCode is 5 or 6, // SQLITE_BUSY, SQLITE_LOCKED
            System.Net.Sockets.SocketException or TimeoutException or System.IO.IOException => true,
            _ => false,
        };
        return transient ? new TransientException(message, e) : new SourceException(Redacted, message, e);
    }

    /// <summary>Whether the text is a PostgreSQL URL or key=value connection string.</summary>
    public static bool IsPostgres(string location) =>
        location.StartsWith("postgresql://", StringComparison.OrdinalIgnoreCase) || location.StartsWith("postgres://", StringComparison.OrdinalIgnoreCase)
        || location.Contains("Host=", StringComparison.OrdinalIgnoreCase);

    private static string FromUrl(string url)
    {
        var uri = new Uri(url);
        var builder = new NpgsqlConnectionStringBuilder
        {
            Host = uri.Host,
            Port = uri.IsDefaultPort || uri.Port < 0 ? 5432 : uri.Port,
            Database = Uri.UnescapeDataString(uri.AbsolutePath.TrimStart('/')),
        };
        if (uri.UserInfo.Length > 0)
        {
            var parts = uri.UserInfo.Split(':', 2);
            builder.Username = Uri.UnescapeDataString(parts[0]);
            if (parts.Length == 2) builder.Password = Uri.UnescapeDataString(parts[1]);
        }
        foreach (var pair in uri.Query.TrimStart('?').Split('&', StringSplitOptions.RemoveEmptyEntries))
        {
            var kv = pair.Split('=', 2);
            builder[Uri.UnescapeDataString(kv[0])] = kv.Length == 2 ? Uri.UnescapeDataString(kv[1]) : "true";
        }
        return builder.ConnectionString;
    }

    /// <summary>Text without any password it holds (see <see cref="Redaction"/>).</summary>
    public static string Redact(string text) => Redaction.Redact(text);
}
