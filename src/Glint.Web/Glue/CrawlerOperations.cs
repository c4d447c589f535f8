using System.Collections.Immutable;
using System.Text.Json.Nodes;
using Glint.Catalog;

namespace Glint.Web.Glue;

/// <summary>
/// Crawlers: Create/Get/GetCrawlers/ListCrawlers/Update/Delete/Start/StopCrawler, ListCrawls, GetCrawlerMetrics. Targets are
/// S3Targets (local folders or s3://, with Exclusions) and JdbcTargets (a stored connection); a crawl runs in this process in the
/// background and is recorded in the metastore.
/// </summary>
internal static class CrawlerOperations
{
    private const string Kind = "crawler";

    public static void Register(GlueService s)
    {
        s.Add("CreateCrawler", r => Create(s, r));
        s.Add("GetCrawler", r => new JsonObject { ["Crawler"] = Shape(s, Require(s, r.Required("Name"))) });
        s.Add("GetCrawlers", r => GluePage.Write(r, s.Store.Crawlers(), c => Shape(s, c), "Crawlers", 1000));
        s.Add("ListCrawlers", r => GluePage.Write(r, s.Store.Crawlers(), c => c.Name, "CrawlerNames", 1000));
        s.Add("UpdateCrawler", r => Update(s, r));
        s.Add("DeleteCrawler", r => Delete(s, r));
        s.Add("StartCrawler", r => Start(s, r));
        s.Add("StopCrawler", r => Stop(s, r));
        s.Add("ListCrawls", r => GluePage.Write(r, s.Store.Crawls(Require(s, r.Required("CrawlerName")).Name), Crawl, "Crawls", 1000));
        s.Add("GetCrawlerMetrics", r => Metrics(s, r));
    }

    private static CrawlerDefinition Require(GlueService s, string name) => s.Store.FindCrawler(name) ?? throw GlueError.NotFound($"Crawler with name {name} has not been found.");

    private static JsonObject Create(GlueService s, GlueRequest r)
    {
        var crawler = Definition(s, r, r.Required("Name"));
        if (!s.Store.CreateCrawler(crawler)) throw GlueError.Exists($"Crawler with name {crawler.Name} already exists.");
        var document = Document(r.Body);
        document["CreationTime"] = GlueJson.Time(DateTimeOffset.UtcNow);
        document["LastUpdated"] = document["CreationTime"]!.DeepClone();
        s.Store.SetDocument(Kind, crawler.Name, document.ToJsonString());
        if (r.Map("Tags") is { Count: > 0 } tags) s.Store.Tag($"crawler/{crawler.Name}", tags);
        return [];
    }

    private static JsonObject Update(GlueService s, GlueRequest r)
    {
        var name = r.Required("Name");
        var old = Require(s, name);
        if (Running(s, name) is not null) throw new GlueError("CrawlerRunningException", $"Crawler {name} is running; it cannot be updated until its crawl ends.");
        var kept = GlueJson.Parse(s.Store.Document(Kind, name));
        // UpdateCrawler changes only the members it names.
        foreach (var (key, value) in r.Body) kept[key] = value?.DeepClone();
        var merged = new GlueRequest(kept, r.Operation, r.Region);
        s.Store.UpdateCrawler(Definition(s, merged, old.Name));
        kept["LastUpdated"] = GlueJson.Time(DateTimeOffset.UtcNow);
        s.Store.SetDocument(Kind, name, kept.ToJsonString());
        return [];
    }

    private static JsonObject Delete(GlueService s, GlueRequest r)
    {
        var name = Require(s, r.Required("Name")).Name;
        if (Running(s, name) is not null) throw new GlueError("CrawlerRunningException", $"Crawler {name} is running; stop it before deleting it.");
        s.Store.DeleteCrawler(name);
        s.Store.SetDocument(Kind, name, null);
        s.Store.Untag($"crawler/{name}", s.Store.Tags($"crawler/{name}").Keys);
        return [];
    }

    private static JsonObject Start(GlueService s, GlueRequest r)
    {
        var crawler = Require(s, r.Required("Name"));
        var begun = new CrawlerRun(s.Store, s.Store, s.Defaults.Settings.S3).Begin(crawler)
            ?? throw new GlueError("CrawlerRunningException", $"Crawler with name {crawler.Name} has already started");
        s.InBackground(() => begun.Work());
        return [];
    }

    private static JsonObject Stop(GlueService s, GlueRequest r)
    {
        var name = Require(s, r.Required("Name")).Name;
        if (!s.Store.RequestCrawlStop(name)) throw new GlueError("CrawlerNotRunningException", $"Crawler with name {name} is not running.");
        return [];
    }

    private static CrawlRecord? Running(GlueService s, string name) => s.Store.Crawls(name).FirstOrDefault(c => c.State == CrawlState.Running);

    /// <summary>The document kept for a crawler: its input as sent, without tags.</summary>
    private static JsonObject Document(JsonObject input)
    {
        var document = GlueJson.Copy(input);
        document.Remove("Tags");
        return document;
    }

    private static CrawlerDefinition Definition(GlueService s, GlueRequest r, string name)
    {
        var database = r.Required("DatabaseName");
        r.RequiredObject("Targets");
        var targets = new List<CrawlTarget>();
        foreach (var (node, i) in r.Array("Targets.S3Targets").Select((n, i) => (n, i)))
        {
            var t = r.Item(node, $"Targets.S3Targets[{i}]");
            targets.Add(new CrawlTarget(t.Required("Path"), [.. t.Strings("Exclusions")]));
        }
        foreach (var (node, i) in r.Array("Targets.JdbcTargets").Select((n, i) => (n, i)))
        {
            var t = r.Item(node, $"Targets.JdbcTargets[{i}]");
            var connection = t.Required("ConnectionName");
            if (s.Store.FindConnection(connection) is null) throw GlueError.Invalid($"{r.Operation}: Targets.JdbcTargets[{i}] names the connection {connection}, which does not exist");
            targets.Add(new CrawlTarget(t.Text("Path") ?? "", [.. t.Strings("Exclusions")], connection));
        }
        if (targets.Count == 0) throw GlueError.Invalid($"{r.Operation}: Targets needs at least one S3Targets or JdbcTargets entry (other target kinds are not supported)");
        var update = r.Enum("SchemaChangePolicy.UpdateBehavior", "LOG", "UPDATE_IN_DATABASE") ?? "UPDATE_IN_DATABASE";
        var delete = r.Enum("SchemaChangePolicy.DeleteBehavior", "LOG", "DELETE_FROM_DATABASE", "DEPRECATE_IN_DATABASE") ?? "DEPRECATE_IN_DATABASE";
        return new CrawlerDefinition(name, database, [.. targets], CrawlerOptions.ParseSchemaPolicy(update), CrawlerOptions.ParseDeletePolicy(delete),
            r.Text("TablePrefix") ?? "");
    }

    /// <summary>The Crawler shape: the kept document, its state (READY, RUNNING, STOPPING) and its last crawl.</summary>
    private static JsonObject Shape(GlueService s, CrawlerDefinition crawler)
    {
        var o = GlueJson.Parse(s.Store.Document(Kind, crawler.Name));
        o["Name"] = crawler.Name;
        var crawls = s.Store.Crawls(crawler.Name);
        var running = crawls.FirstOrDefault(c => c.State == CrawlState.Running);
        o["State"] = running is null ? "READY" : running.StopRequested ? "STOPPING" : "RUNNING";
        o["CrawlElapsedTime"] = running is null ? 0 : (long)(DateTimeOffset.UtcNow - running.Started).TotalMilliseconds;
        o["Version"] = 1;
        if (crawls.FirstOrDefault(c => c.State != CrawlState.Running) is { } last)
            o["LastCrawl"] = new JsonObject
            {
                ["Status"] = last.State switch { CrawlState.Succeeded => "SUCCEEDED", CrawlState.Cancelled => "CANCELLED", _ => "FAILED" },
                ["StartTime"] = GlueJson.Time(last.Started),
                ["MessagePrefix"] = last.CrawlId,
            }.Put("ErrorMessage", last.Error);
        return o;
    }

    private static JsonObject Crawl(CrawlRecord c) => new JsonObject
    {
        ["CrawlId"] = c.CrawlId,
        ["State"] = c.State switch { CrawlState.Running => "RUNNING", CrawlState.Succeeded => "COMPLETED", CrawlState.Cancelled => "STOPPED", _ => "FAILED" },
        ["StartTime"] = GlueJson.Time(c.Started),
        ["Summary"] = $"{c.TablesCreated} table(s) created, {c.TablesUpdated} updated; {c.PartitionsAdded} partition(s) added, {c.PartitionsUpdated} updated, {c.PartitionsDeleted} deleted",
        ["DPUHour"] = 0.0,
    }.Put("EndTime", c.Ended is { } e ? GlueJson.Time(e) : null).Put("ErrorMessage", c.Error);

    private static JsonObject Metrics(GlueService s, GlueRequest r)
    {
        var names = r.Strings("CrawlerNameList", max: 100);
        var crawlers = names.Count == 0 ? s.Store.Crawlers() : [.. names.Select(n => Require(s, n))];
        return GluePage.Write(r, crawlers, c => Metric(s, c), "CrawlerMetricsList", 1000);
    }

    private static JsonObject Metric(GlueService s, CrawlerDefinition crawler)
    {
        var done = s.Store.Crawls(crawler.Name).Where(c => c.Ended is not null).ToList();
        var seconds = done.Select(c => (c.Ended!.Value - c.Started).TotalSeconds).Order().ToImmutableArray();
        return new JsonObject
        {
            ["CrawlerName"] = crawler.Name,
            ["TimeLeftSeconds"] = 0.0,
            ["StillEstimating"] = false,
            ["LastRuntimeSeconds"] = done.Count == 0 ? 0.0 : Math.Round((done[0].Ended!.Value - done[0].Started).TotalSeconds, 3),
            ["MedianRuntimeSeconds"] = seconds.IsEmpty ? 0.0 : Math.Round(seconds[seconds.Length / 2], 3),
            ["TablesCreated"] = done.Sum(c => c.TablesCreated),
            ["TablesUpdated"] = done.Sum(c => c.TablesUpdated),
            ["TablesDeleted"] = done.Sum(c => c.TablesDeleted),
        };
    }
}
