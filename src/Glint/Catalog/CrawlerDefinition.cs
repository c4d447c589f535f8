using System.Collections.Immutable;

namespace Glint.Catalog;

/// <summary>One place a stored crawler walks: a folder (local or s3://) or, with <see cref="Connection"/>, a database reached through a stored connection.</summary>
/// <param name="Path">the folder or s3:// prefix; for a database target, Glue's database/schema/table path (kept, the whole database is crawled)</param>
/// <param name="Exclusions">globs relative to <paramref name="Path"/> whose files are not crawled (Glue's Exclusions: <c>*</c>, <c>**</c>, <c>?</c>, <c>{a,b}</c>)</param>
public sealed record CrawlTarget(string Path, ImmutableArray<string> Exclusions, string? Connection = null);

/// <summary>A stored crawler (Glue's crawler): the database it fills, its targets, its policies and the prefix of the tables it creates.</summary>
public sealed record CrawlerDefinition(
    string Name,
    string Database,
    ImmutableArray<CrawlTarget> Targets,
    SchemaChangePolicy SchemaPolicy = SchemaChangePolicy.Log,
    DeletePolicy DeletePolicy = DeletePolicy.DeprecateInDatabase,
    string TablePrefix = "")
{
    /// <summary>The options one crawl of this crawler runs with, for one target's exclusions.</summary>
    public CrawlerOptions Options(CrawlTarget target) => new(Database)
    {
        SchemaPolicy = SchemaPolicy,
        DeletePolicy = DeletePolicy,
        TablePrefix = TablePrefix,
        Exclusions = target.Exclusions,
    };
}

/// <summary>The states of one crawl, as Glue names them (a crawl asked to stop ends CANCELLED).</summary>
public enum CrawlState { Running, Succeeded, Failed, Cancelled }

/// <summary>One crawl of a stored crawler: when it ran, how it ended and what it changed.</summary>
public sealed record CrawlRecord(string CrawlId, string Crawler, CrawlState State, DateTimeOffset Started, DateTimeOffset? Ended, string? Error,
    int TablesCreated, int TablesUpdated, int TablesDeleted, int PartitionsAdded, int PartitionsUpdated, int PartitionsDeleted, bool StopRequested = false)
{
    /// <summary>The record of a crawl that finished with <paramref name="result"/>.</summary>
    public CrawlRecord Finished(CrawlState state, CrawlResult? result, string? error) => this with
    {
        State = state,
        Ended = DateTimeOffset.UtcNow,
        Error = error,
        TablesCreated = result?.TablesCreated.Count ?? 0,
        TablesUpdated = result?.TablesUpdated.Count ?? 0,
        PartitionsAdded = result?.PartitionsAdded ?? 0,
        PartitionsUpdated = result?.PartitionsUpdated ?? 0,
        PartitionsDeleted = (result?.PartitionsRemoved ?? 0) + (result?.PartitionsDeprecated ?? 0),
    };
}

/// <summary>
/// A stored connection to a database (Glue's JDBC connection): its URL and user, never a password — reading through it takes the
/// password from PGPASSWORD or a pgpass file, as every PostgreSQL client does.
/// </summary>
public sealed record ConnectionDefinition(string Name, string Type, string Url, string? User)
{
    /// <summary>The location Glint's crawler takes: a PostgreSQL URL with the user, or a SQLite file's path.</summary>
    public string Location()
    {
        var url = Url.StartsWith("jdbc:", StringComparison.OrdinalIgnoreCase) ? Url[5..] : Url;
        if (url.StartsWith("sqlite:", StringComparison.OrdinalIgnoreCase)) return url[7..];
        if (url.StartsWith("postgresql://", StringComparison.OrdinalIgnoreCase) && User is { Length: > 0 } user && !url[13..].Contains('@'))
            return "postgresql://" + Uri.EscapeDataString(user) + "@" + url[13..];
        return url;
    }
}
