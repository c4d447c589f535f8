using System.Globalization;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using static Glint.Web.Html;

namespace Glint.Web;

/// <summary>The catalog pages: databases, a database's tables, and a table's columns, partitions and versions.</summary>
internal static class CatalogPages
{
    public static void Map(WebApplication app, ConsoleContext web)
    {
        app.MapGet("/catalog", () => web.With((store, _) => web.Page("Catalog", Table(["database", "description", "tables"], store.Databases().Select(d => new[]
        {
            $"<a href=\"/catalog/{Url(d.Name)}\">{E(d.Name)}</a>", E(d.Description), store.Tables(d.Name).Count.ToString(CultureInfo.InvariantCulture),
        }), "databases"))));

        app.MapGet("/catalog/{db}", (string db) => web.With((store, _) => !store.Databases().Any(d => d.Name == db)
            ? Results.Text($"database '{db}' does not exist in the catalog ({store.Description})", statusCode: 404)
            : web.Page($"Database {db}", Table(["table", "format", "location", "columns", "partition keys", "version"],
            store.Tables(db).Select(t => new[]
            {
                $"<a href=\"/catalog/{Url(db)}/{Url(t.Name)}\">{E(t.Name)}</a>", E(t.Definition.Format), E(t.Definition.Location), t.Definition.Columns.Length.ToString(CultureInfo.InvariantCulture),
                E(string.Join(", ", t.Definition.PartitionKeys.Select(k => k.Name))), t.Version.ToString(CultureInfo.InvariantCulture),
            }), "tables"))));

        app.MapGet("/catalog/{db}/{table}", (string db, string table) => web.With((store, _) =>
        {
            var t = store.FindTable(db, table);
            if (t is null) return Results.NotFound($"table {db}.{table} does not exist");
            var columns = Table(["column", "type", "comment"], t.Definition.Columns.Concat(t.Definition.PartitionKeys).Select(c => new[] { E(c.Name), E(c.Type), E(c.Comment) }), "columns");
            var partitions = Table(["values", "location", "files", "bytes", "rows", "state"], store.Partitions(db, table).Select(p => new[]
            {
                E(string.Join(", ", p.Values.Select(v => v ?? "NULL"))), E(p.Location), p.FileCount.ToString(CultureInfo.InvariantCulture), E(Common.Bytes.Format(p.Bytes)),
                p.Rows?.ToString("N0", CultureInfo.InvariantCulture) ?? "", E(p.State.ToString()),
            }), "partitions");
            var versions = Table(["version", "columns", "created"], store.Versions(db, table).Select(v => new[]
            {
                v.Version.ToString(CultureInfo.InvariantCulture), E(string.Join(", ", v.Definition.Columns.Select(c => $"{c.Name} {c.Type}"))), E(v.Created.ToString("u", CultureInfo.InvariantCulture)),
            }), "versions");
            return web.Page($"Table {db}.{table}", $"<p>{E(t.Definition.Format)} at {E(t.Definition.Location)}</p><h2>Columns</h2>{columns}<h2>Partitions</h2>{partitions}<h2>Versions</h2>{versions}");
        }));
    }
}
