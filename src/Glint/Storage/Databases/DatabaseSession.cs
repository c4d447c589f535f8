using System.Data.Common;
using Npgsql;

namespace Glint.Storage.Databases;

/// <summary>Runs reads against a database in a read-only transaction (PostgreSQL) or a read-only connection (SQLite), with its errors made Glint's.</summary>
internal static class DatabaseSession
{
    /// <param name="doing">what is being done, for the message: "read table 'orders' from"</param>
    public static T Read<T>(DatabaseConnection connection, string doing, Func<DbConnection, T> read)
    {
        using var c = connection.Open();
        try
        {
            if (c is NpgsqlConnection)
            {
                // A source only reads: a query that writes (a data-modifying CTE, a volatile function that inserts) fails here.
                using var begin = c.CreateCommand();
                begin.CommandText = "BEGIN TRANSACTION READ ONLY";
                begin.ExecuteNonQuery();
            }
            var result = read(c);
            if (c is NpgsqlConnection)
            {
                using var end = c.CreateCommand();
                end.CommandText = "ROLLBACK";
                end.ExecuteNonQuery();
            }
            return result;
        }
        catch (Exception e) when (e is DbException or InvalidOperationException or System.Net.Sockets.SocketException or TimeoutException or System.IO.IOException)
        {
            throw connection.Failure($"cannot {doing}", e);
        }
    }
}
