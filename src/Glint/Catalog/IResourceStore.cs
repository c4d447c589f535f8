namespace Glint.Catalog;

/// <summary>
/// What the catalog keeps beside tables for Glue's API: stored crawlers and their crawls, connections, tags on resources,
/// and the documents clients set on a resource that Glint keeps only to give back (a job's Role, a table's SerDe …).
/// </summary>
public interface IResourceStore
{
    /// <summary>Adds a crawler; false if one of that name exists.</summary>
    bool CreateCrawler(CrawlerDefinition crawler);
    /// <summary>Replaces a crawler; false if none of that name exists.</summary>
    bool UpdateCrawler(CrawlerDefinition crawler);
    CrawlerDefinition? FindCrawler(string name);
    IReadOnlyList<CrawlerDefinition> Crawlers();
    /// <summary>Removes a crawler (its crawls stay on record); false if none of that name exists.</summary>
    bool DeleteCrawler(string name);

    /// <summary>Records a new crawl as running, unless the crawler has one running (then null).</summary>
    CrawlRecord? StartCrawl(string crawler);
    void FinishCrawl(CrawlRecord crawl);
    /// <summary>Asks the crawler's running crawl to stop; false if none runs.</summary>
    bool RequestCrawlStop(string crawler);
    /// <summary>A crawler's crawls, newest first.</summary>
    IReadOnlyList<CrawlRecord> Crawls(string crawler);
    /// <summary>Ends every crawl still marked running as failed with <paramref name="reason"/> (the process that ran it is gone).</summary>
    int AbandonCrawls(string reason);

    bool CreateConnection(ConnectionDefinition connection);
    bool UpdateConnection(ConnectionDefinition connection);
    ConnectionDefinition? FindConnection(string name);
    IReadOnlyList<ConnectionDefinition> Connections();
    bool DeleteConnection(string name);

    IReadOnlyDictionary<string, string> Tags(string resource);
    void Tag(string resource, IReadOnlyDictionary<string, string> tags);
    void Untag(string resource, IEnumerable<string> keys);

    /// <summary>The document kept for a resource (kind "job", "table" …), or null.</summary>
    string? Document(string kind, string name);
    /// <summary>Every document of a kind whose name starts with <paramref name="prefix"/>, by name.</summary>
    IReadOnlyDictionary<string, string> Documents(string kind, string prefix);
    /// <summary>Keeps a resource's document; null removes it.</summary>
    void SetDocument(string kind, string name, string? document);
}
