using System.Text.Json.Nodes;
using Glint.Jobs;

namespace Glint.Web.Glue;

/// <summary>
/// Jobs: Create/Get/GetJobs/ListJobs/BatchGetJobs/Update/DeleteJob. <c>Command.ScriptLocation</c> names a Glint job spec (YAML, a local
/// path or s3://), read again at each run as Glue reads a script; the job's Glue document (Role, Description, GlueVersion …) is kept
/// to give back as it was sent.
/// </summary>
internal static class JobOperations
{
    public const string Kind = "job";

    /// <summary>Glue's worker types, which Glint's meter knows too; a run on the local pool ("local") has none of them.</summary>
    public static readonly string[] WorkerTypes = ["Standard", "G.025X", "G.1X", "G.2X", "G.4X", "G.8X", "G.12X", "G.16X", "R.1X", "R.2X", "R.4X", "R.8X", "Z.2X"];

    public static void Register(GlueService s)
    {
        s.Add("CreateJob", r => Create(s, r));
        s.Add("GetJob", r => new JsonObject { ["Job"] = Shape(s, Require(s, r.Required("JobName"))) });
        s.Add("GetJobs", r => GluePage.Write(r, s.Jobs.Jobs(), j => Shape(s, j), "Jobs", 1000));
        s.Add("ListJobs", r => GluePage.Write(r, [.. s.Jobs.Jobs().Where(j => Tagged(s, j.Name, r.Map("Tags")))], j => j.Name, "JobNames", 1000));
        s.Add("BatchGetJobs", r => BatchGet(s, r));
        s.Add("UpdateJob", r => Update(s, r));
        s.Add("DeleteJob", r => Delete(s, r));
    }

    public static JobDefinition Require(GlueService s, string name) => s.Jobs.FindJob(name) ?? throw GlueError.NotFound($"Job {name} not found.");

    private static bool Tagged(GlueService s, string job, Dictionary<string, string> wanted)
    {
        if (wanted.Count == 0) return true;
        var tags = s.Store.Tags($"job/{job}");
        return wanted.All(w => tags.TryGetValue(w.Key, out var v) && v == w.Value);
    }

    private static JsonObject Create(GlueService s, GlueRequest r)
    {
        var name = r.Required("Name");
        if (s.Jobs.FindJob(name) is not null) throw GlueError.Exists($"Job {name} already exists.");
        var job = Definition(r, name);
        var document = Document(r.Body, name);
        var now = GlueJson.Time(DateTimeOffset.UtcNow);
        document["CreatedOn"] = now;
        document["LastModifiedOn"] = now.DeepClone();
        s.Jobs.CreateJob(job);
        s.Store.SetDocument(Kind, name, document.ToJsonString());
        if (r.Map("Tags") is { Count: > 0 } tags) s.Store.Tag($"job/{name}", tags);
        return new JsonObject { ["Name"] = name };
    }

    private static JsonObject Update(GlueService s, GlueRequest r)
    {
        var name = r.Required("JobName");
        var old = Require(s, name);
        r.RequiredObject("JobUpdate");
        var update = r.Item(r.Body["JobUpdate"], "JobUpdate");
        var job = Definition(update, name);
        var document = Document((JsonObject)r.Body["JobUpdate"]!, name);
        var kept = GlueJson.Parse(s.Store.Document(Kind, name));
        document["CreatedOn"] = kept["CreatedOn"]?.DeepClone() ?? GlueJson.Time(DateTimeOffset.UtcNow);
        document["LastModifiedOn"] = GlueJson.Time(DateTimeOffset.UtcNow);
        s.Jobs.UpdateJob(job with { Spec = job.Spec.Length > 0 ? job.Spec : old.Spec });
        s.Store.SetDocument(Kind, name, document.ToJsonString());
        return new JsonObject { ["JobName"] = name };
    }

    private static JsonObject Delete(GlueService s, GlueRequest r)
    {
        var name = r.Required("JobName");
        // As Glue: deleting a job that does not exist succeeds.
        if (s.Jobs.FindJob(name) is not null) s.Jobs.DeleteJob(name);
        s.Store.SetDocument(Kind, name, null);
        s.Store.Untag($"job/{name}", s.Store.Tags($"job/{name}").Keys);
        return new JsonObject { ["JobName"] = name };
    }

    private static JsonObject BatchGet(GlueService s, GlueRequest r)
    {
        var (found, missing) = (new JsonArray(), new JsonArray());
        foreach (var name in r.Strings("JobNames", required: true, max: 25))
        {
            if (s.Jobs.FindJob(name) is { } job) found.Add(Shape(s, job));
            else missing.Add(name);
        }
        return new JsonObject { ["Jobs"] = found, ["JobsNotFound"] = missing };
    }

    /// <summary>The document kept for a job: its input as sent, with its name and without tags (GetTags gives those).</summary>
    private static JsonObject Document(JsonObject input, string name)
    {
        var document = GlueJson.Copy(input);
        document.Remove("Tags");
        document.Remove("Name");
        document["Name"] = name;
        return document;
    }

    /// <summary>What Glint runs for a CreateJob input or a JobUpdate: the spec's location, arguments, pool, retries, timeout and concurrency.</summary>
    private static JobDefinition Definition(GlueRequest r, string name)
    {
        r.RequiredObject("Command");
        var script = r.Required("Command.ScriptLocation");
        if (script.EndsWith(".py", StringComparison.OrdinalIgnoreCase) || script.EndsWith(".scala", StringComparison.OrdinalIgnoreCase) || script.EndsWith(".sql", StringComparison.OrdinalIgnoreCase))
            throw GlueError.Invalid($"{r.Operation}: Command.ScriptLocation '{script}' is not a Glint job spec; Glint runs YAML job specs (docs/job-spec.md), not PySpark, Scala or SQL scripts");
        var arguments = r.Map("DefaultArguments");
        var local = !Common.S3Uri.IsS3(script) && File.Exists(script);
        var job = new JobDefinition(name, local ? File.ReadAllText(script) : "", GlueArguments.ForSpec(arguments, r.Operation),
            r.Enum("WorkerType", WorkerTypes), r.Int("NumberOfWorkers", 1, 1000), r.Int("MaxRetries", 0, 10) ?? 0, r.Int("Timeout", 1, 10080) ?? 2880,
            r.Int("ExecutionProperty.MaxConcurrentRuns", 1, 1000) ?? 1, GlueArguments.Bookmarks(arguments, r.Operation) ?? BookmarkOption.Disable,
            local ? Path.GetDirectoryName(Path.GetFullPath(script)) : null) { ScriptLocation = Common.S3Uri.IsS3(script) ? script : Path.GetFullPath(script) };
        try { return job.Checked(); }
        catch (Common.ConfigException e) { throw GlueError.Invalid($"{r.Operation}: {e.Message}"); }
    }

    /// <summary>The Job shape: the kept document, or for a job made with <c>glint job create</c> what Glint knows of it.</summary>
    public static JsonObject Shape(GlueService s, JobDefinition job)
    {
        if (s.Store.Document(Kind, job.Name) is { } kept) return GlueJson.Parse(kept);
        var o = new JsonObject
        {
            ["Name"] = job.Name,
            ["Command"] = new JsonObject { ["Name"] = "glueetl" }.Put("ScriptLocation", job.ScriptLocation),
            ["DefaultArguments"] = GlueJson.Map(job.DefaultArguments.Select(kv => KeyValuePair.Create("--" + kv.Key, kv.Value))),
            ["MaxRetries"] = job.MaxRetries,
            ["Timeout"] = (int)Math.Ceiling(job.TimeoutMinutes),
            ["ExecutionProperty"] = new JsonObject { ["MaxConcurrentRuns"] = job.MaxConcurrentRuns },
        };
        if (job.Bookmarks != BookmarkOption.Disable) ((JsonObject)o["DefaultArguments"]!)[GlueArguments.BookmarkOption] = $"job-bookmark-{job.Bookmarks.ToString().ToLowerInvariant()}";
        return o.Put("WorkerType", job.WorkerType).Put("NumberOfWorkers", job.Workers);
    }
}
