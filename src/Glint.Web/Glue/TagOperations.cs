using System.Text.Json.Nodes;

namespace Glint.Web.Glue;

/// <summary>GetTags, TagResource, UntagResource on the ARNs Glint gives out: job/, crawler/, database/, table/db/, connection/.</summary>
internal static class TagOperations
{
    public static void Register(GlueService s)
    {
        s.Add("GetTags", r => new JsonObject { ["Tags"] = GlueJson.Map(s.Store.Tags(Resource(s, r))) });
        s.Add("TagResource", r => Tag(s, r));
        s.Add("UntagResource", r => Untag(s, r));
    }

    private static JsonObject Tag(GlueService s, GlueRequest r)
    {
        var resource = Resource(s, r);
        var tags = r.Map("TagsToAdd");
        if (tags.Count == 0) throw GlueError.Invalid("TagResource: TagsToAdd is required");
        if (s.Store.Tags(resource).Keys.Union(tags.Keys).Count() > 50) throw GlueError.Invalid($"TagResource: a resource takes at most 50 tags");
        s.Store.Tag(resource, tags);
        return [];
    }

    private static JsonObject Untag(GlueService s, GlueRequest r)
    {
        var resource = Resource(s, r);
        s.Store.Untag(resource, r.Strings("TagsToRemove", required: true));
        return [];
    }

    /// <summary>The resource an ARN names (<c>arn:aws:glue:region:account:job/name</c> → <c>job/name</c>), which must exist.</summary>
    private static string Resource(GlueService s, GlueRequest r)
    {
        var arn = r.Required("ResourceArn");
        var parts = arn.Split(':', 6);
        if (parts.Length != 6 || parts[0] != "arn" || parts[2] != "glue" || !parts[5].Contains('/'))
            throw GlueError.Invalid($"{r.Operation}: '{arn}' is not a Glue ARN (arn:aws:glue:region:account:job/name)");
        var resource = parts[5];
        var (kind, name) = (resource[..resource.IndexOf('/')], resource[(resource.IndexOf('/') + 1)..]);
        if (!Exists(s, kind, name)) throw GlueError.NotFound($"{r.Operation}: {kind} {name} not found.");
        return resource;
    }

    private static bool Exists(GlueService s, string kind, string name) => kind switch
    {
        "job" => s.Jobs.FindJob(name) is not null,
        "crawler" => s.Store.FindCrawler(name) is not null,
        "connection" => s.Store.FindConnection(name) is not null,
        "database" => s.Store.Databases().Any(d => d.Name == name),
        "table" => name.Split('/') is [var db, var table] && s.Store.FindTable(db, table) is not null,
        "dataQualityRuleset" => s.Store.Document("dq-ruleset", name) is not null,
        _ => false,
    };
}
