namespace Glint.Catalog;

/// <summary>A crawl store that hides the files and folders a crawler's exclusion patterns name (relative to the crawled root).</summary>
internal sealed class ExcludingCrawlStore(CrawlStore inner, string root, ExclusionGlobs exclusions) : CrawlStore
{
    private string Relative(string path) => CrawlStore.Relative(root, path).Replace('\\', '/');

    public override string Root(string path) => inner.Root(path);
    public override bool IsFolder(string path) => inner.IsFolder(path);
    public override IReadOnlyList<string> Folders(string folder) => [.. inner.Folders(folder).Where(f => !exclusions.ExcludesFolder(Relative(f)))];
    public override IReadOnlyList<CrawlFile> Files(string folder) => [.. inner.Files(folder).Where(f => !exclusions.ExcludesFile(Relative(f.FullName)))];
    public override string Local(CrawlFile file) => inner.Local(file);
    public override bool ReadsAreLocal => inner.ReadsAreLocal;
    public override void Dispose() => inner.Dispose();
}
