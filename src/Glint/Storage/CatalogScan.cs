namespace Glint.Storage;

/// <summary>How a scan came from the catalog: which table, the pushed-down predicate, and partitions kept of the total.</summary>
/// <param name="Unlisted">the source's files are still one entry per partition folder (bytes from the catalog), listed only when the physical plan is made</param>
public sealed record CatalogScan(string Table, string? Predicate, int PartitionsKept, int PartitionsTotal, bool Unlisted = false)
{
    public override string ToString() =>
        $"table {Table}: {PartitionsKept} of {PartitionsTotal} partitions" + (Predicate is null ? "" : $" kept by {Predicate}");
}
