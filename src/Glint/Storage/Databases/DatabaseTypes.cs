namespace Glint.Storage.Databases;

/// <summary>How a task moves one column's values from the database into DuckDB without losing any of them.</summary>
public enum TransferAs
{
    /// <summary>Read as a 64-bit integer.</summary>
    Integer,
    /// <summary>Read as a double.</summary>
    Double,
    Boolean,
    /// <summary>Read as text and cast by DuckDB (exact numerics, timestamps with zones, intervals, UUIDs …).</summary>
    Text,
    /// <summary>Binary, read as hex text and decoded by DuckDB.</summary>
    Hex,
}

/// <summary>A database column: its name, the database's type, the Glint (DuckDB) type it maps to, and how it travels.</summary>
public sealed record DatabaseColumn(string Name, string SourceType, string Type, TransferAs Transfer);

/// <summary>Maps PostgreSQL and SQLite types to DuckDB's, keeping precision, zones and binary data.</summary>
internal static class DatabaseTypes
{
    /// <summary>A PostgreSQL type as DuckDB's: exact numerics keep precision and scale where DuckDB can hold them.</summary>
    public static string Postgres(string dataType, int? precision, int? scale) => dataType switch
    {
        "smallint" => "SMALLINT",
        "integer" => "INTEGER",
        "bigint" => "BIGINT",
        "numeric" when precision is { } p and > 0 and <= 38 => $"DECIMAL({p},{scale ?? 0})",
        "numeric" => "DOUBLE",
        "real" => "FLOAT",
        "double precision" => "DOUBLE",
        "boolean" => "BOOLEAN",
        "date" => "DATE",
        "timestamp without time zone" => "TIMESTAMP",
        "timestamp with time zone" => "TIMESTAMP WITH TIME ZONE",
        "time without time zone" => "TIME",
        "interval" => "INTERVAL",
        "bytea" => "BLOB",
        "uuid" => "UUID",
        "json" or "jsonb" => "JSON",
        _ => "VARCHAR",
    };

    /// <summary>SQLite's declared type, mapped by its affinity rules.</summary>
    public static string Sqlite(string declared)
    {
        var t = declared.ToUpperInvariant();
        if (t.StartsWith("DECIMAL(", StringComparison.Ordinal) || t.StartsWith("NUMERIC(", StringComparison.Ordinal))
            return "DECIMAL" + t[t.IndexOf('(')..];
        if (t.Contains("INT")) return "BIGINT";
        if (t is "BOOLEAN" or "BOOL") return "BOOLEAN";
        if (t is "DATE") return "DATE";
        if (t.Contains("DATETIME") || t.Contains("TIMESTAMP")) return "TIMESTAMP";
        if (t.Contains("CHAR") || t.Contains("CLOB") || t.Contains("TEXT")) return "VARCHAR";
        if (t.Length == 0) return "VARCHAR";
        if (t.Contains("BLOB")) return "BLOB";
        if (t.Contains("REAL") || t.Contains("FLOA") || t.Contains("DOUB")) return "DOUBLE";
        return "DOUBLE"; // NUMERIC affinity
    }

    /// <summary>How values of a mapped type travel: natively where .NET holds them exactly, else as text DuckDB casts.</summary>
    public static TransferAs TransferOf(DatabaseKind kind, string type) => type switch
    {
        "SMALLINT" or "INTEGER" or "BIGINT" => TransferAs.Integer,
        "FLOAT" or "DOUBLE" => TransferAs.Double,
        "BOOLEAN" when kind == DatabaseKind.Postgres => TransferAs.Boolean,
        "BLOB" => TransferAs.Hex,
        _ => TransferAs.Text,
    };

    /// <summary>Whether a column of this type can be split by lower and upper bounds.</summary>
    public static bool IsBoundable(string type) =>
        type is "SMALLINT" or "INTEGER" or "BIGINT" or "DOUBLE" or "FLOAT" or "DATE" or "TIMESTAMP" or "TIMESTAMP WITH TIME ZONE"
        || type.StartsWith("DECIMAL", StringComparison.Ordinal);
}
