namespace Glint.Storage.Databases;

/// <summary>The SQL Glint sends to a database, in that database's words.</summary>
public abstract class DatabaseDialect
{
    public static DatabaseDialect For(DatabaseKind kind) => kind == DatabaseKind.Postgres ? PostgresSql.Instance : SqliteSql.Instance;

    public string Quote(string identifier) => "\"" + identifier.Replace("\"", "\"\"") + "\"";

    public string Literal(string? value) => value is null ? "NULL" : "'" + value.Replace("'", "''") + "'";

    /// <summary>A table name as given ("orders", "sales.orders" or already quoted) as a FROM item.</summary>
    public string Table(string name) =>
        name.Contains('"') ? name : string.Join(".", name.Split('.').Select(Quote));

    /// <summary>Rows whose column hashes into bucket <paramref name="bucket"/> of <paramref name="buckets"/> (NULLs in bucket 0).</summary>
    public abstract string HashCondition(string column, int buckets, int bucket);

    /// <summary>Rows whose integer expression falls into bucket <paramref name="bucket"/> of <paramref name="buckets"/> (NULL in bucket 0).</summary>
    public string ExpressionCondition(string expression, int buckets, int bucket) =>
        $"((coalesce(({expression}), 0) % {buckets}) + {buckets}) % {buckets} = {bucket}";

    /// <summary>The select-list item that reads a column the way <see cref="DatabaseColumn.Transfer"/> says.</summary>
    public abstract string Read(DatabaseColumn column);

    private sealed class PostgresSql : DatabaseDialect
    {
        public static readonly PostgresSql Instance = new();

        public override string HashCondition(string column, int buckets, int bucket) =>
            $"abs(hashtext(coalesce({Quote(column)}::text, ''))::bigint) % {buckets} = {bucket}";

        public override string Read(DatabaseColumn column) => column.Transfer switch
        {
            TransferAs.Integer => $"{Quote(column.Name)}::bigint",
            TransferAs.Double => $"{Quote(column.Name)}::float8",
            TransferAs.Boolean => Quote(column.Name),
            TransferAs.Hex => $"encode({Quote(column.Name)}, 'hex')",
            _ => $"{Quote(column.Name)}::text",
        };
    }

    private sealed class SqliteSql : DatabaseDialect
    {
        public static readonly SqliteSql Instance = new();

        public override string HashCondition(string column, int buckets, int bucket) =>
            $"{SqliteHash.Function}({Quote(column)}) % {buckets} = {bucket}";

        public override string Read(DatabaseColumn column) => column.Transfer == TransferAs.Hex ? $"hex({Quote(column.Name)})" : Quote(column.Name);
    }
}
