using System.Globalization;
using Microsoft.Data.Sqlite;

namespace Glint.Storage.Databases;

/// <summary>
/// SQLite has no hash function: <c>glint_hash(value)</c> is registered on every connection Glint opens, so
/// <c>hashfield</c> splits work there too. FNV-1a over the value's invariant text: the same on every connection.
/// </summary>
internal static class SqliteHash
{
    public const string Function = "glint_hash";

    public static void Register(SqliteConnection connection) =>
        connection.CreateFunction<object?, long>(Function, Hash, isDeterministic: true);

    public static long Hash(object? value)
    {
        if (value is null or DBNull) return 0;
        var text = value switch
        {
            byte[] bytes => Convert.ToHexString(bytes),
            double d => d.ToString("R", CultureInfo.InvariantCulture),
            IFormattable f => f.ToString(null, CultureInfo.InvariantCulture),
            _ => value.ToString() ?? "",
        };
        var hash = 14695981039346656037UL;
        foreach (var b in System.Text.Encoding.UTF8.GetBytes(text))
        {
            hash ^= b;
            hash *= 1099511628211UL;
        }
        return (long)(hash & long.MaxValue);
    }
}
