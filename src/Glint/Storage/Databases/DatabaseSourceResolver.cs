using System.Collections.Immutable;
using System.Data;
using System.Data.Common;
using System.Text.RegularExpressions;
using Glint.Common;
using Microsoft.Data.Sqlite;
using Npgsql;
using Npgsql.Schema;

namespace Glint.Storage.Databases;

/// <summary>
/// Turns a connection and read options into a <see cref="DatabaseSource"/> before any task runs: the table or
/// query must exist and only read, its columns are mapped to DuckDB types, and the split options must fit them.
/// </summary>
internal static partial class DatabaseSourceResolver
{
    public static DatabaseSource Resolve(string location, IReadOnlyDictionary<string, string> options) =>
        Resolve(DatabaseConnection.Parse(location), DatabaseReadOptions.From(options));

    public static DatabaseSource Resolve(DatabaseConnection connection, DatabaseReadOptions options)
    {
        var dialect = DatabaseDialect.For(connection.Kind);
        var relation = options.Table is { } table ? dialect.Table(table) : $"({CheckedQuery(options.Query!)})";
        var name = options.Table ?? "query";
        return DatabaseSession.Read(connection, $"read {(options.Table is null ? "the query" : $"table '{name}'")} from", c =>
        {
            var columns = Describe(c, connection.Kind, relation, options.Table);
            var source = new DatabaseSource(connection, relation, name, columns, options, Estimate(c, connection, options.Table));
            CheckSplitting(c, source, dialect);
            if (source.Options.BookmarkKeys.IsEmpty && options.Table is not null)
                source = source with { Options = options with { BookmarkKeys = PrimaryKey(c, connection.Kind, options.Table) } };
            foreach (var key in source.Options.BookmarkKeys) Require(source, key, "bookmark_keys");
            return source;
        });
    }

    /// <summary>
    /// The key window a bookmarked run reads: after the bookmark's values, up to the last key in the table now.
    /// </summary>
    public static DatabaseSource WithWindow(DatabaseSource source, ImmutableArray<string?>? after)
    {
        var keys = source.Options.BookmarkKeys;
        if (keys.IsEmpty)
            throw new SourceException(source.Name,
                $"database source '{source.Name}' has no bookmark key: give bookmark_keys (columns whose values only grow), or a table with a primary key");
        var dialect = DatabaseDialect.For(source.Connection.Kind);
        var order = string.Join(", ", keys.Select(k => $"{dialect.Quote(k)} {(source.Options.BookmarkDescending ? "ASC" : "DESC")}"));
        // Aliased: PostgreSQL would otherwise sort by the text output column of the same name ('99' after '100').
        var texts = string.Join(", ", keys.Select((k, i) => (source.Connection.Kind == DatabaseKind.Postgres ? $"{dialect.Quote(k)}::text" : $"CAST({dialect.Quote(k)} AS TEXT)") + $" AS glint_key{i}"));
        var last = DatabaseSession.Read(source.Connection, $"find the last bookmark key of '{source.Name}' in", c =>
        {
            using var command = c.CreateCommand();
            command.CommandText = $"SELECT {texts} FROM {source.Relation} AS glint_src ORDER BY {order} LIMIT 1";
            using var reader = command.ExecuteReader();
            if (!reader.Read()) return (ImmutableArray<string?>?)null;
            return Enumerable.Range(0, keys.Length).Select(i => reader.IsDBNull(i) ? null : reader.GetString(i)).ToImmutableArray();
        });
        return source with { Window = new KeyWindow(keys, source.Options.BookmarkDescending, after, last ?? after) };
    }

    [GeneratedRegex(@"^\s*(?:--[^\n]*\n\s*|/\*.*?\*/\s*)*(select|with|values)\b", RegexOptions.IgnoreCase | RegexOptions.Singleline)]
    private static partial Regex ReadingStatement();

    /// <summary>A query source must be one statement that only reads; the database enforces the rest (read-only transaction or connection).</summary>
    private static string CheckedQuery(string query)
    {
        var trimmed = query.Trim().TrimEnd(';').Trim();
        if (!ReadingStatement().IsMatch(trimmed) || trimmed.Contains(';'))
            throw new SourceException("query", $"a database source query must be one SELECT statement, not: {Short(trimmed)}");
        return trimmed;
    }

    private static ImmutableArray<DatabaseColumn> Describe(DbConnection c, DatabaseKind kind, string relation, string? table)
    {
        // SQLite reports declared types without their facets (NUMERIC, not NUMERIC(10,2)); a table's own declaration has them.
        var declared = kind == DatabaseKind.Sqlite && table is not null ? SqliteDeclaredTypes(c, table) : [];
        using var command = c.CreateCommand();
        command.CommandText = $"SELECT * FROM {relation} AS glint_src LIMIT 0";
        using var reader = command.ExecuteReader();
        var columns = ImmutableArray.CreateBuilder<DatabaseColumn>();
        if (reader is NpgsqlDataReader npgsql)
        {
            foreach (NpgsqlDbColumn column in npgsql.GetColumnSchema())
            {
                var type = DatabaseTypes.Postgres(StripFacets(column.DataTypeName ?? ""), column.NumericPrecision, column.NumericScale);
                columns.Add(new DatabaseColumn(column.ColumnName, column.DataTypeName ?? "", type, DatabaseTypes.TransferOf(kind, type)));
            }
        }
        else
        {
            var sqlite = (SqliteDataReader)reader;
            for (var i = 0; i < sqlite.FieldCount; i++)
            {
                var name = sqlite.GetName(i);
                var type = declared.GetValueOrDefault(name) ?? sqlite.GetDataTypeName(i);
                var mapped = DatabaseTypes.Sqlite(type);
                columns.Add(new DatabaseColumn(name, type, mapped, DatabaseTypes.TransferOf(kind, mapped)));
            }
        }
        var duplicate = columns.GroupBy(c => c.Name, StringComparer.OrdinalIgnoreCase).FirstOrDefault(g => g.Count() > 1);
        if (duplicate is not null)
            throw new SourceException(relation, $"the database source has two columns named '{duplicate.Key}'; give them distinct names in the query");
        return columns.ToImmutable();
    }

    private static Dictionary<string, string> SqliteDeclaredTypes(DbConnection c, string table)
    {
        using var command = c.CreateCommand();
        command.CommandText = $"SELECT name, type FROM pragma_table_info({DatabaseDialect.For(DatabaseKind.Sqlite).Literal(table.Trim('"'))})";
        using var reader = command.ExecuteReader();
        var types = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        while (reader.Read()) types[reader.GetString(0)] = reader.IsDBNull(1) ? "" : reader.GetString(1);
        return types;
    }

    private static string StripFacets(string type) => type.IndexOf('(') is var i and > 0 ? type[..i].Trim() : type;

    private static void CheckSplitting(DbConnection c, DatabaseSource source, DatabaseDialect dialect)
    {
        var o = source.Options;
        if (o.HashField is { } field) Require(source, field, "hashfield");
        if (o.HashExpression is { } expression)
        {
            // The database type-checks the expression against the source's columns without reading a row.
            using var command = c.CreateCommand();
            command.CommandText = $"SELECT {dialect.ExpressionCondition(expression, 2, 0)} FROM {source.Relation} AS glint_src WHERE 1 = 0";
            try { command.ExecuteNonQuery(); }
            catch (DbException e)
            {
                throw new SourceException(source.Name, $"hashexpression '{expression}' is not an integer expression over '{source.Name}': {e.Message}", e);
            }
        }
        if (o.PartitionColumn is { } column)
        {
            var type = Require(source, column, "partition_column").Type;
            if (!DatabaseTypes.IsBoundable(type))
                throw new ConfigException("partition_column", $"partition_column '{column}' is {type}; bounds split numeric, date and timestamp columns only");
            DatabaseSplits.Bounds(source);
        }
    }

    /// <summary>The source's column of that name (any case), or an error naming the option and the columns there are.</summary>
    public static DatabaseColumn Require(DatabaseSource source, string name, string option) =>
        source.Columns.FirstOrDefault(c => string.Equals(c.Name, name, StringComparison.OrdinalIgnoreCase))
        ?? throw new SourceException(source.Name,
            $"{option}: '{source.Name}' has no column '{name}'; its columns are {string.Join(", ", source.Columns.Select(c => c.Name))}");

    private static ImmutableArray<string> PrimaryKey(DbConnection c, DatabaseKind kind, string table)
    {
        using var command = c.CreateCommand();
        if (kind == DatabaseKind.Postgres)
        {
            command.CommandText = """
                SELECT a.attname FROM pg_index i
                JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = ANY(i.indkey)
                WHERE i.indrelid = to_regclass(@t) AND i.indisprimary
                ORDER BY array_position(i.indkey::int2[], a.attnum)
                """;
            command.Parameters.Add(new NpgsqlParameter("t", DatabaseDialect.For(kind).Table(table)));
        }
        else
        {
            command.CommandText = $"SELECT name FROM pragma_table_info({DatabaseDialect.For(kind).Literal(table)}) WHERE pk > 0 ORDER BY pk";
        }
        using var reader = command.ExecuteReader();
        var keys = ImmutableArray.CreateBuilder<string>();
        while (reader.Read()) keys.Add(reader.GetString(0));
        return keys.ToImmutable();
    }

    /// <summary>Bytes on disk for a table (for broadcast decisions); a query's size is unknown, taken as large.</summary>
    private static long Estimate(DbConnection c, DatabaseConnection connection, string? table)
    {
        const long unknown = 1L << 40;
        if (table is null) return unknown;
        if (connection.Kind == DatabaseKind.Sqlite) return new FileInfo(connection.ConnectionString).Length;
        using var command = c.CreateCommand();
        command.CommandText = "SELECT coalesce(pg_total_relation_size(to_regclass(@t)), 0)";
        command.Parameters.Add(new NpgsqlParameter("t", DatabaseDialect.For(connection.Kind).Table(table)));
        return Convert.ToInt64(command.ExecuteScalar()) is var bytes and > 0 ? bytes : unknown;
    }

    private static string Short(string text) => text.Length <= 80 ? text : text[..77] + "…";
}
