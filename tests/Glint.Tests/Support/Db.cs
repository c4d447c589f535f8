using System.Data.Common;
using System.Globalization;
using Npgsql;

namespace Glint.Tests.Support;

/// <summary>Plain statements against a test database (PostgreSQL or SQLite): rows as "a|b|c" text, NULL as ∅.</summary>
public static class Db
{
    public static void Execute(DbConnection c, string sql)
    {
        using var command = c.CreateCommand();
        command.CommandText = sql;
        command.ExecuteNonQuery();
    }

    public static List<string> Rows(DbConnection c, string sql)
    {
        using var command = c.CreateCommand();
        command.CommandText = sql;
        using var reader = command.ExecuteReader();
        var rows = new List<string>();
        while (reader.Read())
            rows.Add(string.Join("|", Enumerable.Range(0, reader.FieldCount)
                .Select(i => reader.IsDBNull(i) ? "∅" : Convert.ToString(reader.GetValue(i), CultureInfo.InvariantCulture))));
        return rows;
    }

    /// <summary>On a PostgreSQL connection string.</summary>
    public static void Execute(string postgres, string sql)
    {
        using var c = new NpgsqlConnection(postgres);
        c.Open();
        Execute(c, sql);
    }

    /// <summary>On a PostgreSQL connection string.</summary>
    public static List<string> Rows(string postgres, string sql)
    {
        using var c = new NpgsqlConnection(postgres);
        c.Open();
        return Rows(c, sql);
    }
}
