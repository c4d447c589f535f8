using System.Text.Json.Nodes;
using Glint.Catalog;

namespace Glint.Web.Glue;

/// <summary>
/// CreateConnection, GetConnection, GetConnections, UpdateConnection, DeleteConnection: JDBC connections to PostgreSQL or SQLite that
/// crawlers' JdbcTargets name. Glint keeps the URL and the user, never a password (PGPASSWORD or a pgpass file supply it).
/// </summary>
internal static class ConnectionOperations
{
    private const string Kind = "connection";

    public static void Register(GlueService s)
    {
        s.Add("CreateConnection", r => Create(s, r));
        s.Add("GetConnection", r => new JsonObject { ["Connection"] = Shape(s, Require(s, r.Required("Name"))) });
        s.Add("GetConnections", r => GluePage.Write(r, [.. s.Store.Connections().Where(c => Matches(s, r, c))], c => Shape(s, c), "ConnectionList", 1000));
        s.Add("UpdateConnection", r => Update(s, r));
        s.Add("DeleteConnection", r => Delete(s, r));
    }

    private static ConnectionDefinition Require(GlueService s, string name) => s.Store.FindConnection(name) ?? throw GlueError.NotFound($"Connection {name} not found.");

    private static JsonObject Create(GlueService s, GlueRequest r)
    {
        var connection = Definition(r);
        if (!s.Store.CreateConnection(connection)) throw GlueError.Exists($"Connection already exists: {connection.Name}");
        s.Store.SetDocument(Kind, connection.Name, Document(r, DateTimeOffset.UtcNow, DateTimeOffset.UtcNow));
        if (r.Map("Tags") is { Count: > 0 } tags) s.Store.Tag($"connection/{connection.Name}", tags);
        return [];
    }

    private static JsonObject Update(GlueService s, GlueRequest r)
    {
        var name = r.Required("Name");
        Require(s, name);
        var connection = Definition(r);
        if (connection.Name != name) throw GlueError.Invalid($"UpdateConnection: renaming a connection ({name} → {connection.Name}) is not supported");
        var created = GlueJson.Parse(s.Store.Document(Kind, name))["CreationTime"]?.GetValue<double>() is { } t ? DateTimeOffset.FromUnixTimeMilliseconds((long)(t * 1000)) : DateTimeOffset.UtcNow;
        s.Store.UpdateConnection(connection);
        s.Store.SetDocument(Kind, name, Document(r, created, DateTimeOffset.UtcNow));
        return [];
    }

    private static JsonObject Delete(GlueService s, GlueRequest r)
    {
        var name = r.Required("ConnectionName");
        if (!s.Store.DeleteConnection(name)) throw GlueError.NotFound($"Connection {name} not found.");
        s.Store.SetDocument(Kind, name, null);
        s.Store.Untag($"connection/{name}", s.Store.Tags($"connection/{name}").Keys);
        return [];
    }

    /// <summary>The connection a ConnectionInput describes; anything Glint cannot connect to is refused now, not at the first crawl.</summary>
    private static ConnectionDefinition Definition(GlueRequest r)
    {
        var name = r.Required("ConnectionInput.Name");
        var type = r.Enum("ConnectionInput.ConnectionType", "JDBC", "SFTP", "MONGODB", "KAFKA", "NETWORK", "MARKETPLACE", "CUSTOM") ?? throw GlueError.Invalid($"{r.Operation}: ConnectionInput.ConnectionType is required");
        if (type != "JDBC") throw GlueError.Invalid($"{r.Operation}: Glint connects only to JDBC connections (PostgreSQL and SQLite), not {type}");
        var properties = r.Map("ConnectionInput.ConnectionProperties");
        if (properties.ContainsKey("PASSWORD") || properties.ContainsKey("ENCRYPTED_PASSWORD"))
            throw GlueError.Invalid($"{r.Operation}: Glint does not store passwords; leave PASSWORD out and give it to Glint through PGPASSWORD or a pgpass file");
        var url = properties.GetValueOrDefault("JDBC_CONNECTION_URL") ?? throw GlueError.Invalid($"{r.Operation}: ConnectionInput.ConnectionProperties.JDBC_CONNECTION_URL is required");
        if (!url.StartsWith("jdbc:postgresql://", StringComparison.OrdinalIgnoreCase) && !url.StartsWith("jdbc:sqlite:", StringComparison.OrdinalIgnoreCase))
            throw GlueError.Invalid($"{r.Operation}: JDBC_CONNECTION_URL '{url}' is neither jdbc:postgresql://host:port/database nor jdbc:sqlite:<file>");
        return new ConnectionDefinition(name, type, url, properties.GetValueOrDefault("USERNAME"));
    }

    /// <summary>The input as the client sent it, with Glue's times: GetConnection gives back exactly that.</summary>
    private static string Document(GlueRequest r, DateTimeOffset created, DateTimeOffset updated)
    {
        var document = r.RequiredObject("ConnectionInput").DeepClone().AsObject();
        document["CreationTime"] = GlueJson.Time(created);
        document["LastUpdatedTime"] = GlueJson.Time(updated);
        return document.ToJsonString();
    }

    private static JsonObject Shape(GlueService s, ConnectionDefinition c)
    {
        var shape = GlueJson.Parse(s.Store.Document(Kind, c.Name));
        shape["Name"] = c.Name;
        shape["ConnectionType"] = c.Type;
        return shape;
    }

    /// <summary>GetConnections' Filter: the type, and MatchCriteria all among the connection's own.</summary>
    private static bool Matches(GlueService s, GlueRequest r, ConnectionDefinition c)
    {
        if (r.Text("Filter.ConnectionType") is { } type && type != c.Type) return false;
        var wanted = r.Strings("Filter.MatchCriteria");
        if (wanted.Count == 0) return true;
        var own = new GlueRequest(Shape(s, c), r.Operation, r.Region).Strings("MatchCriteria");
        return wanted.All(own.Contains);
    }
}
