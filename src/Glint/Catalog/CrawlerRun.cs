using Glint.Common;

namespace Glint.Catalog;

/// <summary>
/// Runs one crawl of a stored crawler: records it as running (refused while another crawl of it runs), crawls each target in
/// turn — folders with the folder crawler, connections with the relational one — and records how it ended and what it changed.
/// A stop request is honoured between targets (a target's crawl is one catalog update), so a stopped crawl leaves whole tables.
/// </summary>
public sealed class CrawlerRun(IMetastore metastore, IResourceStore resources, S3Options? s3 = null)
{
    /// <summary>Records the crawl as running and returns it, with the work that crawls it (run it on any thread), or null if one runs already.</summary>
    public (CrawlRecord Crawl, Func<CrawlRecord> Work)? Begin(CrawlerDefinition crawler)
    {
        if (resources.StartCrawl(crawler.Name) is not { } crawl) return null;
        return (crawl, () => Crawl(crawler, crawl));
    }

    private CrawlRecord Crawl(CrawlerDefinition crawler, CrawlRecord crawl)
    {
        var total = new CrawlResult();
        try
        {
            foreach (var target in crawler.Targets)
            {
                if (StopRequested(crawl)) return Finish(crawl.Finished(CrawlState.Cancelled, total, "stopped on request"));
                Add(total, CrawlOne(crawler, target));
            }
            return Finish(crawl.Finished(CrawlState.Succeeded, total, null));
        }
        catch (GlintException e)
        {
            return Finish(crawl.Finished(CrawlState.Failed, total, e.Message));
        }
    }

    private CrawlResult CrawlOne(CrawlerDefinition crawler, CrawlTarget target)
    {
        var options = crawler.Options(target);
        if (target.Connection is not { } name) return new FolderCrawler(metastore, options, s3).Crawl(target.Path);
        var connection = resources.FindConnection(name)
            ?? throw new NotFoundException("connection", name, $"crawler '{crawler.Name}' names it in a JDBC target");
        return new RelationalCrawler(metastore, options).Crawl(connection.Location());
    }

    private bool StopRequested(CrawlRecord crawl) => resources.Crawls(crawl.Crawler).FirstOrDefault(c => c.CrawlId == crawl.CrawlId)?.StopRequested == true;

    private CrawlRecord Finish(CrawlRecord crawl)
    {
        resources.FinishCrawl(crawl);
        return crawl;
    }

    private static void Add(CrawlResult total, CrawlResult one)
    {
        total.TablesCreated.AddRange(one.TablesCreated);
        total.TablesUpdated.AddRange(one.TablesUpdated);
        total.TablesUnchanged.AddRange(one.TablesUnchanged);
        total.PartitionsAdded += one.PartitionsAdded;
        total.PartitionsUpdated += one.PartitionsUpdated;
        total.PartitionsUnchanged += one.PartitionsUnchanged;
        total.PartitionsRemoved += one.PartitionsRemoved;
        total.PartitionsDeprecated += one.PartitionsDeprecated;
        total.Warnings.AddRange(one.Warnings);
    }
}
