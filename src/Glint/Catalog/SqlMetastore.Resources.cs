using System.Text.Json;
using System.Text.Json.Serialization;

namespace Glint.Catalog;

/// <summary>Crawlers, crawls, connections, tags and kept documents in the metastore's own tables (migration 8), as JSON beside their keys.</summary>
public sealed partial class SqlMetastore : IResourceStore
{
    private static readonly JsonSerializerOptions ResourceJson = new() { Converters = { new JsonStringEnumConverter() } };

    public bool CreateCrawler(CrawlerDefinition crawler) => Insert("glint_crawlers", crawler.Name, crawler);
    public bool UpdateCrawler(CrawlerDefinition crawler) => Replace("glint_crawlers", crawler.Name, crawler);
    public CrawlerDefinition? FindCrawler(string name) => Find<CrawlerDefinition>("glint_crawlers", name);
    public IReadOnlyList<CrawlerDefinition> Crawlers() => All<CrawlerDefinition>("glint_crawlers");
    public bool DeleteCrawler(string name) => Delete("glint_crawlers", name);

    public bool CreateConnection(ConnectionDefinition connection) => Insert("glint_connections", connection.Name, connection);
    public bool UpdateConnection(ConnectionDefinition connection) => Replace("glint_connections", connection.Name, connection);
    public ConnectionDefinition? FindConnection(string name) => Find<ConnectionDefinition>("glint_connections", name);
    public IReadOnlyList<ConnectionDefinition> Connections() => All<ConnectionDefinition>("glint_connections");
    public bool DeleteConnection(string name) => Delete("glint_connections", name);

    public CrawlRecord? StartCrawl(string crawler) => Write(c =>
    {
        if (Query(c.Connection, c.Transaction, "SELECT 1 FROM glint_crawls WHERE crawler_name = @n AND state = 'Running'", _ => 1, ("n", crawler)).Count > 0)
            return null;
        var now = Now();
        var crawl = new CrawlRecord(Guid.NewGuid().ToString("N"), crawler, CrawlState.Running, FromMs(now), null, null, 0, 0, 0, 0, 0, 0);
        Exec(c.Connection, c.Transaction, "INSERT INTO glint_crawls (crawl_id, crawler_name, state, started_ms, record) VALUES (@i, @n, 'Running', @t, @r)",
            ("i", crawl.CrawlId), ("n", crawler), ("t", now), ("r", JsonSerializer.Serialize(crawl, ResourceJson)));
        return crawl;
    });

    public void FinishCrawl(CrawlRecord crawl) => Write(c =>
        Exec(c.Connection, c.Transaction, "UPDATE glint_crawls SET state = @s, record = @r WHERE crawl_id = @i",
            ("s", crawl.State.ToString()), ("r", JsonSerializer.Serialize(crawl, ResourceJson)), ("i", crawl.CrawlId)));

    public bool RequestCrawlStop(string crawler) => Write(c =>
    {
        var running = Query(c.Connection, c.Transaction, "SELECT record FROM glint_crawls WHERE crawler_name = @n AND state = 'Running'",
            r => JsonSerializer.Deserialize<CrawlRecord>(r.GetString(0), ResourceJson)!, ("n", crawler));
        foreach (var crawl in running)
            Exec(c.Connection, c.Transaction, "UPDATE glint_crawls SET record = @r WHERE crawl_id = @i",
                ("r", JsonSerializer.Serialize(crawl with { StopRequested = true }, ResourceJson)), ("i", crawl.CrawlId));
        return running.Count > 0;
    });

    public IReadOnlyList<CrawlRecord> Crawls(string crawler) => Read(c => Query(c, null,
        "SELECT record FROM glint_crawls WHERE crawler_name = @n ORDER BY started_ms DESC, crawl_id",
        r => JsonSerializer.Deserialize<CrawlRecord>(r.GetString(0), ResourceJson)!, ("n", crawler)));

    public int AbandonCrawls(string reason) => Write(c =>
    {
        var running = Query(c.Connection, c.Transaction, "SELECT record FROM glint_crawls WHERE state = 'Running'",
            r => JsonSerializer.Deserialize<CrawlRecord>(r.GetString(0), ResourceJson)!);
        foreach (var crawl in running)
            Exec(c.Connection, c.Transaction, "UPDATE glint_crawls SET state = 'Failed', record = @r WHERE crawl_id = @i",
                ("r", JsonSerializer.Serialize(crawl.Finished(CrawlState.Failed, null, reason), ResourceJson)), ("i", crawl.CrawlId));
        return running.Count;
    });

    public IReadOnlyDictionary<string, string> Tags(string resource) => Read(c => Query(c, null,
        "SELECT tag_key, tag_value FROM glint_tags WHERE resource = @r ORDER BY tag_key", r => (r.GetString(0), r.GetString(1)), ("r", resource))
        .ToDictionary(t => t.Item1, t => t.Item2));

    public void Tag(string resource, IReadOnlyDictionary<string, string> tags) => Write(c =>
    {
        foreach (var (key, value) in tags)
            Exec(c.Connection, c.Transaction, """
                INSERT INTO glint_tags (resource, tag_key, tag_value) VALUES (@r, @k, @v)
                ON CONFLICT (resource, tag_key) DO UPDATE SET tag_value = excluded.tag_value
                """, ("r", resource), ("k", key), ("v", value));
        return 0;
    });

    public void Untag(string resource, IEnumerable<string> keys) => Write(c =>
    {
        foreach (var key in keys)
            Exec(c.Connection, c.Transaction, "DELETE FROM glint_tags WHERE resource = @r AND tag_key = @k", ("r", resource), ("k", key));
        return 0;
    });

    public string? Document(string kind, string name) => Read(c => Query(c, null,
        "SELECT document FROM glint_documents WHERE kind = @k AND name = @n", r => r.GetString(0), ("k", kind), ("n", name)).SingleOrDefault());

    public IReadOnlyDictionary<string, string> Documents(string kind, string prefix) => Read(c => Query(c, null,
        "SELECT name, document FROM glint_documents WHERE kind = @k AND substr(name, 1, @l) = @p",
        r => (r.GetString(0), r.GetString(1)), ("k", kind), ("l", prefix.Length), ("p", prefix))
        .ToDictionary(d => d.Item1, d => d.Item2));

    public void SetDocument(string kind, string name, string? document) => Write(c => document is null
        ? Exec(c.Connection, c.Transaction, "DELETE FROM glint_documents WHERE kind = @k AND name = @n", ("k", kind), ("n", name))
        : Exec(c.Connection, c.Transaction, """
            INSERT INTO glint_documents (kind, name, document, updated_ms) VALUES (@k, @n, @d, @t)
            ON CONFLICT (kind, name) DO UPDATE SET document = excluded.document, updated_ms = excluded.updated_ms
            """, ("k", kind), ("n", name), ("d", document), ("t", Now())));

    private bool Insert<T>(string table, string name, T value) => Write(c =>
    {
        CheckName(name, table["glint_".Length..^1]);
        if (Query(c.Connection, c.Transaction, $"SELECT 1 FROM {table} WHERE name = @n", _ => 1, ("n", name)).Count > 0) return false;
        Exec(c.Connection, c.Transaction, $"INSERT INTO {table} (name, definition, created_ms, updated_ms) VALUES (@n, @d, @t, @t)",
            ("n", name), ("d", JsonSerializer.Serialize(value, ResourceJson)), ("t", Now()));
        return true;
    });

    private bool Replace<T>(string table, string name, T value) => Write(c =>
        Exec(c.Connection, c.Transaction, $"UPDATE {table} SET definition = @d, updated_ms = @t WHERE name = @n",
            ("n", name), ("d", JsonSerializer.Serialize(value, ResourceJson)), ("t", Now())) > 0);

    private T? Find<T>(string table, string name) where T : class => Read(c => Query(c, null, $"SELECT definition FROM {table} WHERE name = @n",
        r => JsonSerializer.Deserialize<T>(r.GetString(0), ResourceJson)!, ("n", name)).SingleOrDefault());

    private List<T> All<T>(string table) => Read(c => Query(c, null, $"SELECT definition FROM {table} ORDER BY name",
        r => JsonSerializer.Deserialize<T>(r.GetString(0), ResourceJson)!));

    private bool Delete(string table, string name) => Write(c => Exec(c.Connection, c.Transaction, $"DELETE FROM {table} WHERE name = @n", ("n", name)) > 0);
}
