using System.Collections.Immutable;
using Glint.Common;
using Npgsql;

namespace Glint.Storage.Databases;

/// <summary>What a write does with the rows already in a database table.</summary>
internal enum DatabaseWriteMode
{
    /// <summary>Insert the run's rows.</summary>
    Append,
    /// <summary>Replace every row of the table with the run's rows, in one transaction.</summary>
    Overwrite,
    /// <summary>Insert rows whose key is new, update rows whose key exists (INSERT … ON CONFLICT DO UPDATE).</summary>
    Upsert,
}

/// <summary>A column of a database target: its name and PostgreSQL type (as the table has it, or as Glint will create it).</summary>
internal sealed record TargetColumn(string Name, string DatabaseType);

/// <summary>
/// A PostgreSQL table or SQLite file table a run writes: checked when the job is planned (connection, columns, upsert keys with a unique
/// index), created in the commit's transaction when it does not exist (append and overwrite).
/// </summary>
internal sealed record DatabaseTarget(DatabaseConnection Connection, string Table, DatabaseWriteMode Mode, ImmutableArray<string> Keys,
    ImmutableArray<TargetColumn> Columns, bool Exists)
{
    public override string ToString() =>
        $"{Connection.Kind.ToString().ToLowerInvariant()} table {Table} at {Connection.Redacted} mode={Mode.ToString().ToLowerInvariant()}" +
        (Keys.IsEmpty ? "" : $" keys=[{string.Join(", ", Keys)}]") + (Exists ? "" : " (created by the commit)");

    /// <summary>Whether a mode only makes sense for a database table (upsert).</summary>
    public static bool IsDatabaseOnlyMode(string text) => text.Trim().ToLowerInvariant() is "upsert" or "merge";

    public static DatabaseWriteMode ParseMode(string? text) => (text ?? "append").Trim().ToLowerInvariant() switch
    {
        "append" => DatabaseWriteMode.Append,
        "overwrite" => DatabaseWriteMode.Overwrite,
        "upsert" or "merge" => DatabaseWriteMode.Upsert,
        _ => throw new ConfigException("mode", $"a database target's mode is append, overwrite or upsert, not '{text}'"),
    };

    /// <summary>Checks the target against the rows to be written, before any task runs.</summary>
    public static DatabaseTarget Resolve(string connectionText, string table, DatabaseWriteMode mode, IReadOnlyList<string> keys, Schema schema)
    {
        var connection = DatabaseConnection.Parse(connectionText);
        var postgres = connection.Kind == DatabaseKind.Postgres;
        var (existing, unique) = DatabaseSession.Read(connection, $"look up table '{table}' in", c => postgres ? DescribePostgres(c, table) : DescribeSqlite(c, table));
        var exists = existing.Count > 0;
        foreach (var column in schema.Columns)
            if (exists && !existing.Any(e => e.Name == column.Name))
                throw new TargetException(table, $"table '{table}' has no column '{column.Name}' (its columns: {string.Join(", ", existing.Select(e => e.Name))}); select or rename the columns to write");
        var columns = exists
            ? [.. schema.Columns.Select(c => existing.First(e => e.Name == c.Name))]
            : schema.Columns.Select(c => new TargetColumn(c.Name, postgres ? PostgresType(c.Type, table) : SqliteType(c.Type))).ToImmutableArray();
        if (postgres)
            foreach (var column in columns)
                if (!DatabaseBatches.CanWrite(column.DatabaseType))
                    throw new TargetException(table, $"column '{column.Name}' of '{table}' is {column.DatabaseType}, which Glint cannot write yet");
        if (mode == DatabaseWriteMode.Upsert)
        {
            if (keys.Count == 0) throw new ConfigException("upsert_keys", $"mode upsert on '{table}' needs upsert_keys (the columns that identify a row)");
            foreach (var key in keys) schema.Require(key, "upsert_keys");
            if (!exists) throw new TargetException(table, $"mode upsert needs table '{table}' to exist with a unique index on ({string.Join(", ", keys)})");
            if (!unique.Any(u => u.Order().SequenceEqual(keys.Order())))
                throw new TargetException(table, $"table '{table}' has no primary key or unique index on ({string.Join(", ", keys)}); upsert needs one");
        }
        return new DatabaseTarget(connection, table, mode, [.. keys], columns, exists);
    }

    private static (List<TargetColumn>, List<string[]>) DescribePostgres(System.Data.Common.DbConnection c, string table)
    {
        var dialect = DatabaseDialect.For(DatabaseKind.Postgres);
        using var command = (NpgsqlCommand)c.CreateCommand();
        command.CommandText = """
            SELECT a.attname, format_type(a.atttypid, a.atttypmod) FROM pg_attribute a
            WHERE a.attrelid = to_regclass(@t) AND a.attnum > 0 AND NOT a.attisdropped ORDER BY a.attnum
            """;
        command.Parameters.AddWithValue("t", dialect.Table(table));
        var columns = new List<TargetColumn>();
        using (var reader = command.ExecuteReader())
            while (reader.Read()) columns.Add(new TargetColumn(reader.GetString(0), reader.GetString(1)));
        using var indexes = (NpgsqlCommand)c.CreateCommand();
        indexes.CommandText = """
            SELECT array_agg(a.attname ORDER BY a.attname) FROM pg_index i
            JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = ANY(i.indkey)
            WHERE i.indrelid = to_regclass(@t) AND i.indisunique GROUP BY i.indexrelid
            """;
        indexes.Parameters.AddWithValue("t", dialect.Table(table));
        var sets = new List<string[]>();
        using (var reader = indexes.ExecuteReader())
            while (reader.Read()) sets.Add((string[])reader.GetValue(0));
        return (columns, sets);
    }

    private static (List<TargetColumn>, List<string[]>) DescribeSqlite(System.Data.Common.DbConnection c, string table)
    {
        var name = DatabaseDialect.For(DatabaseKind.Sqlite).Literal(table.Trim('"'));
        List<string[]> Rows(string sql)
        {
            using var command = c.CreateCommand();
            command.CommandText = sql;
            using var reader = command.ExecuteReader();
            var rows = new List<string[]>();
            while (reader.Read()) rows.Add([.. Enumerable.Range(0, reader.FieldCount).Select(i => reader.IsDBNull(i) ? "" : Convert.ToString(reader.GetValue(i), System.Globalization.CultureInfo.InvariantCulture)!)]);
            return rows;
        }
        var info = Rows($"SELECT name, type, pk FROM pragma_table_info({name}) ORDER BY cid");
        var columns = info.Select(r => new TargetColumn(r[0], r[1])).ToList();
        // A rowid primary key (INTEGER PRIMARY KEY) has no index of its own: the table's pk columns count as one unique set.
        var sets = Rows($"SELECT il.name FROM pragma_index_list({name}) il WHERE il.[unique] = 1")
            .Select(i => Rows($"SELECT name FROM pragma_index_info({DatabaseDialect.For(DatabaseKind.Sqlite).Literal(i[0])})").Select(r => r[0]).ToArray()).ToList();
        var pk = info.Where(r => r[2] != "0").Select(r => r[0]).ToArray();
        if (pk.Length > 0) sets.Add(pk);
        return (columns, sets);
    }

    /// <summary>The declared type a new SQLite table gets for a Glint (DuckDB) type (read back by the same mapping).</summary>
    private static string SqliteType(string type) => type switch
    {
        "TINYINT" or "SMALLINT" or "INTEGER" or "BIGINT" => "INTEGER",
        "FLOAT" or "DOUBLE" => "REAL",
        "BOOLEAN" => "BOOLEAN",
        "DATE" => "DATE",
        "TIMESTAMP" or "TIMESTAMP WITH TIME ZONE" => "TIMESTAMP",
        "BLOB" => "BLOB",
        _ when type.StartsWith("DECIMAL", StringComparison.Ordinal) => type,
        _ => "TEXT",
    };

    /// <summary>The PostgreSQL type a new table gets for a Glint (DuckDB) type.</summary>
    private static string PostgresType(string type, string table) => type switch
    {
        "TINYINT" or "SMALLINT" => "smallint",
        "INTEGER" => "integer",
        "BIGINT" => "bigint",
        "FLOAT" => "real",
        "DOUBLE" => "double precision",
        "BOOLEAN" => "boolean",
        "DATE" => "date",
        "TIMESTAMP" => "timestamp without time zone",
        "TIMESTAMP WITH TIME ZONE" => "timestamp with time zone",
        "VARCHAR" => "text",
        "BLOB" => "bytea",
        "UUID" => "uuid",
        "JSON" => "jsonb",
        _ when type.StartsWith("DECIMAL", StringComparison.Ordinal) => "numeric" + type["DECIMAL".Length..],
        _ => throw new TargetException(table, $"Glint cannot create a PostgreSQL column for type {type}; create table '{table}' first"),
    };
}
