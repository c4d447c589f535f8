using System.Collections.Immutable;
using System.Data.Common;
using Glint.Common;
using Glint.Storage.Databases;
using Microsoft.Data.Sqlite;
using Npgsql;

namespace Glint.Catalog;

/// <summary>
/// A crawler over a relational database — a SQLite file or a PostgreSQL connection — registering one
/// catalog table per table or view, with its columns mapped to Glint (DuckDB) types. The catalog keeps
/// the connection without its password.
/// </summary>
public sealed class RelationalCrawler(IMetastore metastore, CrawlerOptions options)
{
    /// <summary>Whether <paramref name="location"/> names a relational database rather than a folder.</summary>
    public static bool Handles(string location) => DatabaseConnection.IsPostgres(location) || IsSqliteFile(location);

    private static bool IsSqliteFile(string path)
    {
        if (!File.Exists(path)) return false;
        Span<byte> head = stackalloc byte[16];
        using var stream = File.OpenRead(path);
        return stream.Read(head) == 16 && System.Text.Encoding.ASCII.GetString(head) == "SQLite format 3\0";
    }

    private sealed record Found(string Schema, string Name, string Kind, List<CatalogColumn> Columns);

    public CrawlResult Crawl(string location)
    {
        var result = new CrawlResult();
        var postgres = DatabaseConnection.IsPostgres(location);
        List<Found> found;
        try
        {
            found = postgres ? Postgres(location) : Sqlite(Path.GetFullPath(location));
        }
        catch (Exception e) when (e is DbException or InvalidOperationException or ArgumentException)
        {
            throw new CatalogException(Metastores.Redact(location), $"cannot read the database '{Metastores.Redact(location)}': {e.Message}", e);
        }
        metastore.EnsureDatabase(options.Database);
        var connection = postgres ? DatabaseConnection.Parse(location).WithoutPassword().ConnectionString : Path.GetFullPath(location);
        foreach (var table in found)
        {
            var name = options.TablePrefix + FolderLayout.TableName(postgres && table.Schema != "public" ? $"{table.Schema}_{table.Name}" : table.Name);
            var qualified = $"{options.Database}.{name}";
            if (table.Columns.Count == 0)
            {
                result.Warnings.Add($"{table.Schema}.{table.Name}: no columns; skipped");
                continue;
            }
            var definition = new TableDefinition(connection, postgres ? "postgresql" : "sqlite",
                ImmutableDictionary<string, string>.Empty.Add("table", postgres ? $"{table.Schema}.{table.Name}" : table.Name),
                [.. table.Columns], [],
                ImmutableDictionary<string, string>.Empty.Add("classification", postgres ? "postgresql" : "sqlite").Add("object_type", table.Kind));
            var existing = metastore.FindTable(options.Database, name);
            if (existing is null)
            {
                metastore.CreateTable(options.Database, name, definition);
                result.TablesCreated.Add(qualified);
            }
            else if (!definition.SameShape(existing.Definition))
            {
                var merged = SchemaMerge.Merge(existing.Definition.Columns, definition.Columns, options.SchemaPolicy == SchemaChangePolicy.UpdateInDatabase);
                var dropped = existing.Definition.Columns.Where(c => !definition.Columns.Any(n => n.Name == c.Name)).Select(c => $"column '{c.Name}' was dropped").ToList();
                var incompatible = merged.Incompatible.Concat(dropped).ToList();
                if (incompatible.Count > 0 && options.SchemaPolicy == SchemaChangePolicy.Log)
                {
                    result.Warnings.AddRange(incompatible.Select(i => $"{qualified}: {i}; table left as it was (schema change policy LOG)"));
                    result.TablesUnchanged.Add(qualified);
                }
                else
                {
                    metastore.UpdateTable(existing, incompatible.Count > 0 ? definition : definition with { Columns = merged.Columns });
                    result.TablesUpdated.Add(qualified);
                }
            }
            else result.TablesUnchanged.Add(qualified);
        }
        return result;
    }

    private static List<Found> Sqlite(string path)
    {
        using var c = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = path, Mode = SqliteOpenMode.ReadOnly }.ToString());
        c.Open();
        var objects = Rows(c, "SELECT name, type FROM sqlite_master WHERE type IN ('table', 'view') AND name NOT LIKE 'sqlite_%' ORDER BY name",
            r => (Name: r.GetString(0), Kind: r.GetString(1)));
        return objects.Select(o => new Found("main", o.Name, o.Kind,
            Rows(c, $"SELECT name, type FROM pragma_table_info({Common.Sql.Literal(o.Name)}) ORDER BY cid",
                r => new CatalogColumn(r.GetString(0), DatabaseTypes.Sqlite(r.IsDBNull(1) ? "" : r.GetString(1)))))).ToList();
    }

    private static List<Found> Postgres(string connectionString)
    {
        using var c = new NpgsqlConnection(connectionString);
        c.Open();
        var columns = Rows(c, """
            SELECT c.table_schema, c.table_name, t.table_type, c.column_name, c.data_type, c.numeric_precision, c.numeric_scale
            FROM information_schema.columns c
            JOIN information_schema.tables t ON t.table_schema = c.table_schema AND t.table_name = c.table_name
            WHERE c.table_schema NOT IN ('pg_catalog', 'information_schema')
            ORDER BY c.table_schema, c.table_name, c.ordinal_position
            """, r => (Schema: r.GetString(0), Table: r.GetString(1), Kind: r.GetString(2) == "VIEW" ? "view" : "table",
                Column: new CatalogColumn(r.GetString(3), DatabaseTypes.Postgres(r.GetString(4), r.IsDBNull(5) ? null : Convert.ToInt32(r.GetValue(5)),
                    r.IsDBNull(6) ? null : Convert.ToInt32(r.GetValue(6))))));
        return columns.GroupBy(x => (x.Schema, x.Table, x.Kind))
            .Select(g => new Found(g.Key.Schema, g.Key.Table, g.Key.Kind, [.. g.Select(x => x.Column)])).ToList();
    }

    private static List<T> Rows<T>(DbConnection c, string sql, Func<DbDataReader, T> read)
    {
        using var command = c.CreateCommand();
        command.CommandText = sql;
        using var reader = command.ExecuteReader();
        var rows = new List<T>();
        while (reader.Read()) rows.Add(read(reader));
        return rows;
    }
}
