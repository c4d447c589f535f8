using System.Globalization;
using NpgsqlTypes;

namespace Glint.Storage.Databases;

/// <summary>
/// How a task's rows become a binary COPY into the run's staging table: each PostgreSQL column type with the DuckDB
/// cast that hands its values over and the Npgsql type they are written as.
/// </summary>
internal static class DatabaseBatches
{
    /// <summary>The column every staged row carries: the task attempt that wrote it (only winning attempts are committed).</summary>
    public const string AttemptColumn = "glint_attempt";

    private static string Base(string postgresType) => postgresType.IndexOf('(') is var i and > 0 ? postgresType[..i].Trim() : postgresType;

    public static bool CanWrite(string postgresType) => Writer(postgresType) is not null;

    /// <summary>The DuckDB expression that presents a column's values in the .NET type the writer expects.</summary>
    public static string Cast(string postgresType, string column) => Base(postgresType) switch
    {
        "smallint" or "integer" or "bigint" => $"CAST({column} AS BIGINT)",
        "real" or "double precision" => $"CAST({column} AS DOUBLE)",
        "numeric" => $"CAST({column} AS VARCHAR)",
        "boolean" => $"CAST({column} AS BOOLEAN)",
        "date" => $"CAST({column} AS DATE)",
        "timestamp without time zone" => $"CAST({column} AS TIMESTAMP)",
        "timestamp with time zone" => $"CAST(timezone('UTC', CAST({column} AS TIMESTAMPTZ)) AS TIMESTAMP)",
        "bytea" => $"CAST({column} AS BLOB)",
        _ => $"CAST({column} AS VARCHAR)",
    };

    /// <summary>Writes one value of a column into a binary COPY row; null when the type is not supported.</summary>
    public static Action<Npgsql.NpgsqlBinaryImporter, object>? Writer(string postgresType) => Base(postgresType) switch
    {
        "smallint" => (w, v) => w.Write(checked((short)Convert.ToInt64(v, CultureInfo.InvariantCulture)), NpgsqlDbType.Smallint),
        "integer" => (w, v) => w.Write(checked((int)Convert.ToInt64(v, CultureInfo.InvariantCulture)), NpgsqlDbType.Integer),
        "bigint" => (w, v) => w.Write(Convert.ToInt64(v, CultureInfo.InvariantCulture), NpgsqlDbType.Bigint),
        "real" => (w, v) => w.Write((float)Convert.ToDouble(v, CultureInfo.InvariantCulture), NpgsqlDbType.Real),
        "double precision" => (w, v) => w.Write(Convert.ToDouble(v, CultureInfo.InvariantCulture), NpgsqlDbType.Double),
        "numeric" => (w, v) => w.Write(Numeric((string)v), NpgsqlDbType.Numeric),
        "boolean" => (w, v) => w.Write((bool)v, NpgsqlDbType.Boolean),
        "date" => (w, v) => w.Write(v is DateTime d ? DateOnly.FromDateTime(d) : (DateOnly)v, NpgsqlDbType.Date),
        "timestamp without time zone" => (w, v) => w.Write(DateTime.SpecifyKind((DateTime)v, DateTimeKind.Unspecified), NpgsqlDbType.Timestamp),
        "timestamp with time zone" => (w, v) => w.Write(DateTime.SpecifyKind((DateTime)v, DateTimeKind.Utc), NpgsqlDbType.TimestampTz),
        "bytea" => (w, v) => w.Write(Bytes(v), NpgsqlDbType.Bytea),
        "uuid" => (w, v) => w.Write(Guid.Parse((string)v), NpgsqlDbType.Uuid),
        "json" => (w, v) => w.Write((string)v, NpgsqlDbType.Json),
        "jsonb" => (w, v) => w.Write((string)v, NpgsqlDbType.Jsonb),
        "text" or "character varying" or "character" => (w, v) => w.Write((string)v, NpgsqlDbType.Text),
        _ => null,
    };

    /// <summary>Exact numerics pass as text and are parsed as .NET decimals (28–29 significant digits).</summary>
    private static decimal Numeric(string text) =>
        decimal.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var d)
            ? d
            : throw new OverflowException($"the value {text} has more digits than Glint can write to a numeric column (28)");

    /// <summary>A BLOB as DuckDB.NET hands it out (a stream, or bytes) as bytes.</summary>
    public static byte[] Bytes(object value) => value switch
    {
        byte[] b => b,
        Stream s => ReadAll(s),
        _ => throw new InvalidCastException($"cannot write {value.GetType().Name} as bytea"),
    };

    private static byte[] ReadAll(Stream s)
    {
        using var memory = new MemoryStream();
        s.CopyTo(memory);
        return memory.ToArray();
    }
}
