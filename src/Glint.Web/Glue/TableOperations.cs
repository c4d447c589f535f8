using System.Globalization;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Glint.Catalog;

namespace Glint.Web.Glue;

/// <summary>Tables and their versions: Create/Get/GetTables/Update/Delete/BatchDeleteTable, GetTableVersions/GetTableVersion/DeleteTableVersion/BatchDeleteTableVersion.</summary>
internal static class TableOperations
{
    public static void Register(GlueService s)
    {
        s.Add("CreateTable", r => Create(s, r));
        s.Add("GetTable", r => new JsonObject { ["Table"] = CatalogShapes.Table(s, Require(s, r.Required("DatabaseName"), r.Required("Name"))) });
        s.Add("GetTables", r => GetTables(s, r));
        s.Add("UpdateTable", r => Update(s, r));
        s.Add("DeleteTable", r => { Delete(s, r.Required("DatabaseName"), r.Required("Name")); return []; });
        s.Add("BatchDeleteTable", r => BatchDelete(s, r));
        s.Add("GetTableVersions", r => Versions(s, r));
        s.Add("GetTableVersion", r => Version(s, r));
        s.Add("DeleteTableVersion", r => { DeleteVersion(s, r.Required("DatabaseName"), r.Required("TableName"), r.Required("VersionId")); return []; });
        s.Add("BatchDeleteTableVersion", r => BatchDeleteVersions(s, r));
    }

    public static CatalogTable Require(GlueService s, string database, string name)
    {
        DatabaseOperations.Require(s, database);
        return s.Store.FindTable(database, name) ?? throw GlueError.NotFound($"Table {name} not found.");
    }

    private static JsonObject Create(GlueService s, GlueRequest r)
    {
        var database = r.Required("DatabaseName");
        r.RequiredObject("TableInput");
        var name = r.Required("TableInput.Name");
        DatabaseOperations.Require(s, database);
        if (s.Store.FindTable(database, name) is not null) throw GlueError.Exists($"Table already exists: {database}.{name}");
        var definition = TableInputs.Definition(r.Item(r.Body["TableInput"], "TableInput"));
        var table = s.Store.CreateTable(database, name, definition);
        s.Store.SetDocument(CatalogShapes.TableKind, CatalogShapes.TableKey(database, name, table.Version), r.Body["TableInput"]!.ToJsonString());
        return [];
    }

    private static JsonObject Update(GlueService s, GlueRequest r)
    {
        var database = r.Required("DatabaseName");
        r.RequiredObject("TableInput");
        var current = Require(s, database, r.Required("TableInput.Name"));
        if (r.Text("VersionId") is { } expected && expected != current.Version.ToString(CultureInfo.InvariantCulture))
            throw new GlueError("ConcurrentModificationException", $"table {current.QualifiedName} is at version {current.Version}, not {expected}");
        var updated = s.Store.UpdateTable(current, TableInputs.Definition(r.Item(r.Body["TableInput"], "TableInput")));
        s.Store.SetDocument(CatalogShapes.TableKind, CatalogShapes.TableKey(database, updated.Name, updated.Version), r.Body["TableInput"]!.ToJsonString());
        return [];
    }

    private static JsonObject GetTables(GlueService s, GlueRequest r)
    {
        var database = r.Required("DatabaseName");
        DatabaseOperations.Require(s, database);
        IEnumerable<CatalogTable> tables = s.Store.Tables(database);
        if (r.Text("Expression") is { Length: > 0 } expression) tables = tables.Where(Matcher(expression).IsMatch);
        return GluePage.Write(r, [.. tables], t => CatalogShapes.Table(s, t), "TableList", 100);
    }

    /// <summary>GetTables' Expression: a regular expression on table names where <c>*</c> alone means any characters, as Glue's examples write it.</summary>
    private static Regex Matcher(string expression)
    {
        var pattern = Regex.Replace(expression, @"(?<!\.)\*", ".*");
        try { return new Regex($"^(?:{pattern})$", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant, TimeSpan.FromSeconds(1)); }
        catch (ArgumentException e) { throw GlueError.Invalid($"GetTables: Expression '{expression}' is not a valid pattern: {e.Message}"); }
    }

    private static bool IsMatch(this Regex regex, CatalogTable table) => regex.IsMatch(table.Name);

    private static void Delete(GlueService s, string database, string name)
    {
        Require(s, database, name);
        s.Store.DropTable(database, name);
        ForgetDocuments(s, database, name);
    }

    /// <summary>Removes every version's document of a table (dropped, or its database dropped).</summary>
    public static void ForgetDocuments(GlueService s, string database, string name)
    {
        foreach (var key in s.Store.Documents(CatalogShapes.TableKind, $"{database}.{name}#").Keys) s.Store.SetDocument(CatalogShapes.TableKind, key, null);
    }

    private static JsonObject BatchDelete(GlueService s, GlueRequest r)
    {
        var database = r.Required("DatabaseName");
        var errors = new JsonArray();
        foreach (var name in r.Strings("TablesToDelete", required: true, max: 100))
        {
            if (GlueError.Attempt(() => Delete(s, database, name)) is { } detail) errors.Add(new JsonObject { ["TableName"] = name, ["ErrorDetail"] = detail });
        }
        return new JsonObject { ["Errors"] = errors };
    }


    private static JsonObject Versions(GlueService s, GlueRequest r)
    {
        var table = Require(s, r.Required("DatabaseName"), r.Required("TableName"));
        var versions = s.Store.Versions(table.Database, table.Name).OrderByDescending(v => v.Version).ToList();
        return GluePage.Write(r, versions, v => VersionShape(s, table, v), "TableVersions", 100);
    }

    private static JsonObject VersionShape(GlueService s, CatalogTable table, TableVersion v) => new()
    {
        ["Table"] = CatalogShapes.Table(s, table.Database, table.Name, v.Definition, v.Version, table.Created, v.Created),
        ["VersionId"] = v.Version.ToString(CultureInfo.InvariantCulture),
    };

    private static JsonObject Version(GlueService s, GlueRequest r)
    {
        var table = Require(s, r.Required("DatabaseName"), r.Required("TableName"));
        var id = r.Text("VersionId") ?? table.Version.ToString(CultureInfo.InvariantCulture);
        var version = s.Store.Versions(table.Database, table.Name).FirstOrDefault(v => v.Version.ToString(CultureInfo.InvariantCulture) == id)
            ?? throw GlueError.NotFound($"Version {id} of table {table.QualifiedName} not found.");
        return new JsonObject { ["TableVersion"] = VersionShape(s, table, version) };
    }

    private static void DeleteVersion(GlueService s, string database, string name, string id)
    {
        var table = Require(s, database, name);
        if (!long.TryParse(id, NumberStyles.None, CultureInfo.InvariantCulture, out var version))
            throw GlueError.Invalid($"VersionId '{id}' is not a version number");
        if (!s.Store.DeleteVersion(database, name, version)) throw GlueError.NotFound($"Version {id} of table {table.QualifiedName} not found.");
        s.Store.SetDocument(CatalogShapes.TableKind, CatalogShapes.TableKey(database, name, version), null);
    }

    private static JsonObject BatchDeleteVersions(GlueService s, GlueRequest r)
    {
        var (database, name) = (r.Required("DatabaseName"), r.Required("TableName"));
        var errors = new JsonArray();
        foreach (var id in r.Strings("VersionIds", required: true, max: 100))
        {
            if (GlueError.Attempt(() => DeleteVersion(s, database, name, id)) is { } detail)
                errors.Add(new JsonObject { ["TableName"] = name, ["VersionId"] = id, ["ErrorDetail"] = detail });
        }
        return new JsonObject { ["Errors"] = errors };
    }
}
