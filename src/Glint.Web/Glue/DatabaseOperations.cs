using System.Text.Json.Nodes;
using Glint.Catalog;

namespace Glint.Web.Glue;

/// <summary>CreateDatabase, GetDatabase, GetDatabases, UpdateDatabase, DeleteDatabase on Glint's catalog.</summary>
internal static class DatabaseOperations
{
    public static void Register(GlueService s)
    {
        s.Add("CreateDatabase", r => Create(s, r));
        s.Add("GetDatabase", r => new JsonObject { ["Database"] = CatalogShapes.Database(s, Require(s, r.Required("Name"))) });
        s.Add("GetDatabases", r => GluePage.Write(r, s.Store.Databases(), d => CatalogShapes.Database(s, d), "DatabaseList", 100));
        s.Add("UpdateDatabase", r => Update(s, r));
        s.Add("DeleteDatabase", r => Delete(s, r));
    }

    public static CatalogDatabase Require(GlueService s, string name) =>
        s.Store.Databases().FirstOrDefault(d => d.Name == name) ?? throw GlueError.NotFound($"Database {name} not found.");

    private static JsonObject Create(GlueService s, GlueRequest r)
    {
        var input = r.RequiredObject("DatabaseInput");
        var name = r.Required("DatabaseInput.Name");
        var tags = r.Map("Tags");
        if (s.Store.Databases().Any(d => d.Name == name)) throw GlueError.Exists($"Database already exists: {name}");
        s.Store.CreateDatabase(name, r.Text("DatabaseInput.Description") ?? "");
        s.Store.SetDocument(CatalogShapes.DatabaseKind, name, Kept(input));
        if (tags.Count > 0) s.Store.Tag($"database/{name}", tags);
        return [];
    }

    private static JsonObject Update(GlueService s, GlueRequest r)
    {
        var name = r.Required("Name");
        var input = r.RequiredObject("DatabaseInput");
        if (r.Required("DatabaseInput.Name") != name) throw GlueError.Invalid($"UpdateDatabase: renaming a database ({name} → {r.Text("DatabaseInput.Name")}) is not supported");
        Require(s, name);
        s.Store.SetDocument(CatalogShapes.DatabaseKind, name, Kept(input));
        return [];
    }

    private static JsonObject Delete(GlueService s, GlueRequest r)
    {
        var name = r.Required("Name");
        Require(s, name);
        foreach (var table in s.Store.Tables(name)) TableOperations.ForgetDocuments(s, name, table.Name);
        s.Store.DropDatabase(name);
        s.Store.SetDocument(CatalogShapes.DatabaseKind, name, null);
        s.Store.Untag($"database/{name}", s.Store.Tags($"database/{name}").Keys);
        return [];
    }

    /// <summary>The input as kept: what the client set, to give back as it was.</summary>
    private static string Kept(JsonObject input) => input.ToJsonString();
}
