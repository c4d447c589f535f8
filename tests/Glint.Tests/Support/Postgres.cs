using Npgsql;

namespace Glint.Tests.Support;

/// <summary>The PostgreSQL that ./test.sh starts (GLINT_TEST_POSTGRES); each caller gets a database of its own.</summary>
public static class Postgres
{
    public static string Server =>
        Environment.GetEnvironmentVariable("GLINT_TEST_POSTGRES")
        ?? throw new InvalidOperationException("GLINT_TEST_POSTGRES is not set: run the tests with ./test.sh, which starts PostgreSQL (scripts/postgres.sh)");

    /// <summary>A connection string to a new, empty database.</summary>
    public static string NewDatabase()
    {
        var name = "glint_" + Guid.NewGuid().ToString("N")[..12];
        using (var c = new NpgsqlConnection(Server))
        {
            c.Open();
            using var command = c.CreateCommand();
            command.CommandText = $"CREATE DATABASE {name}";
            command.ExecuteNonQuery();
        }
        return new NpgsqlConnectionStringBuilder(Server) { Database = name }.ToString();
    }
}
