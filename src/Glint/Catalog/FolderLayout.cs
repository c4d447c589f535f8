using System.Collections.Immutable;
using Glint.Storage;

namespace Glint.Catalog;

/// <summary>A table found in a folder tree: its root, format, partition keys and the files of each partition.</summary>
internal sealed record DiscoveredTable(string Name, string Location, FileFormat Format, ImmutableArray<string> PartitionKeys,
    ImmutableArray<DiscoveredPartition> Partitions, bool HivePartitioned);

/// <summary>One partition folder (or the table root when it has no partitions) and its data files.</summary>
internal sealed record DiscoveredPartition(ImmutableArray<string?> Values, string Folder, ImmutableArray<CrawlFile> Files)
{
    /// <summary>Changes when a file is added, removed, resized or rewritten.</summary>
    public string Fingerprint()
    {
        var text = string.Join("\n", Files.OrderBy(f => f.FullName, StringComparer.Ordinal)
            .Select(f => $"{CrawlStore.Relative(Folder, f.FullName)}|{f.Length}|{f.LastWriteTimeUtc.Ticks}"));
        return Convert.ToHexString(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(text)))[..32];
    }
}

/// <summary>
/// How a crawler reads a folder tree: a folder holding data files, or only <c>key=value</c> folders,
/// is a table root; a folder of plain subfolders holds several tables, unless its subfolders are one
/// dataset split by folder (same format, equal schemas — or compatible ones when asked), which becomes
/// one table partitioned by <c>partition_0</c>, <c>partition_1</c>… as Glue names them.
/// Hidden and temporary entries (<c>_SUCCESS</c>, <c>_glint_temporary</c>, <c>.crc</c>, <c>*.tmp</c>) are never data.
/// </summary>
internal sealed class FolderLayout(CrawlStore store, CrawlerOptions options, Func<FileFormat, string, ImmutableArray<CatalogColumn>?> sampleSchema, List<string> warnings)
{
    public static bool IsIgnored(string name) =>
        FileListing.IsHidden(name) || name.EndsWith(".tmp", StringComparison.Ordinal) || name.EndsWith(".crc", StringComparison.Ordinal) ||
        name.EndsWith('~');

    private static bool IsKeyValue(string name) => name.IndexOf('=') > 0;

    public List<DiscoveredTable> Discover(string folder)
    {
        var files = store.Files(folder);
        var dirs = store.Folders(folder).Order(StringComparer.Ordinal).ToList();
        if (files.Count > 0 || (dirs.Count > 0 && dirs.Any(d => IsKeyValue(CrawlStore.Name(d)))))
            return Table(folder, hive: true) is { } table ? [table] : [];
        if (dirs.Count == 0)
        {
            warnings.Add($"{folder}: empty folder, no table");
            return [];
        }
        var subs = dirs.Select(d => (Dir: d, Tables: Discover(d))).ToList();
        if (subs.Count > 1 && subs.All(s => s.Tables.Count == 1 && s.Tables[0].Location == s.Dir) && Combinable(subs.Select(s => s.Tables[0]).ToList()))
            return Table(folder, hive: false) is { } combined ? [combined] : [];
        return [.. subs.SelectMany(s => s.Tables)];
    }

    private bool Combinable(List<DiscoveredTable> tables)
    {
        if (tables.Select(t => t.Format).Distinct().Count() != 1) return false;
        if (tables.Select(t => string.Join(",", t.PartitionKeys)).Distinct().Count() != 1) return false;
        var schemas = tables.Select(t => sampleSchema(t.Format, store.Local(t.Partitions.SelectMany(p => p.Files).First()))).ToList();
        if (schemas.Any(s => s is null)) return false;
        if (schemas.Select(s => string.Join(",", s!.Value.Select(c => $"{c.Name}:{c.Type}"))).Distinct().Count() == 1) return true;
        return options.CombineCompatibleSchemas && schemas.Skip(1).All(s => SchemaMerge.Compatible(schemas[0]!.Value, s!.Value));
    }

    /// <summary>The table rooted at <paramref name="root"/>: every data file below, grouped by partition folder.</summary>
    private DiscoveredTable? Table(string root, bool hive)
    {
        var byFolder = new Dictionary<string, List<CrawlFile>>();
        var stack = new Stack<string>([root]);
        while (stack.Count > 0)
        {
            var dir = stack.Pop();
            foreach (var sub in store.Folders(dir)) stack.Push(sub);
            var files = store.Files(dir);
            if (files.Count > 0) byFolder[dir] = [.. files];
        }
        if (byFolder.Count == 0)
        {
            warnings.Add($"{root}: no data files, no table");
            return null;
        }

        // Formats by content; the table's format is the most common one, other files are reported and left out.
        var formats = byFolder.Values.SelectMany(f => f).ToDictionary(f => f.FullName, Classify);
        foreach (var unknown in formats.Where(kv => kv.Value is null).Select(kv => kv.Key).Order(StringComparer.Ordinal))
            warnings.Add($"{unknown}: not Parquet, JSON lines or consistently delimited text (or empty); skipped");
        var format = formats.Values.Where(f => f is not null).GroupBy(f => f!.Value).OrderByDescending(g => g.Count()).Select(g => (FileFormat?)g.Key).FirstOrDefault();
        if (format is null) return null;
        foreach (var other in formats.Where(kv => kv.Value is { } f && f != format).Select(kv => kv.Key).Order(StringComparer.Ordinal))
            warnings.Add($"{other}: {formats[other]!.Value.ToString().ToLowerInvariant()} among {format.Value.ToString().ToLowerInvariant()} files of table '{CrawlStore.Name(root)}'; skipped");

        // Partition folders: each folder's path below the root; all must have the same depth and keys.
        var folders = byFolder.Select(kv => (Folder: kv.Key, Segments: CrawlStore.Relative(root, kv.Key) is "." ? [] : CrawlStore.Relative(root, kv.Key).Split('/'),
            Files: kv.Value.Where(f => formats[f.FullName] == format).ToImmutableArray())).Where(x => x.Files.Length > 0).ToList();
        var depth = folders.GroupBy(f => f.Segments.Length).OrderByDescending(g => g.Count()).ThenByDescending(g => g.Key).First().Key;
        foreach (var odd in folders.Where(f => f.Segments.Length != depth))
            warnings.Add($"{odd.Folder}: data files at a different folder depth than the rest of table '{CrawlStore.Name(root)}'; skipped");
        folders = folders.Where(f => f.Segments.Length == depth).ToList();

        string[] Keys((string Folder, string[] Segments, ImmutableArray<CrawlFile> Files) f) =>
            hive ? f.Segments.Select(s => IsKeyValue(s) ? s[..s.IndexOf('=')] : "").ToArray() : [.. Enumerable.Range(0, depth).Select(i => $"partition_{i}")];
        var keys = folders.GroupBy(f => string.Join("/", Keys(f))).OrderByDescending(g => g.Count()).ThenBy(g => g.Key, StringComparer.Ordinal).First().Key;
        foreach (var conflict in folders.Where(f => string.Join("/", Keys(f)) != keys))
            warnings.Add($"{conflict.Folder}: partition keys [{string.Join(", ", Keys(conflict))}] conflict with [{keys.Replace("/", ", ")}] of table '{CrawlStore.Name(root)}'; skipped");
        folders = folders.Where(f => string.Join("/", Keys(f)) == keys).ToList();
        var keyNames = depth == 0 ? ImmutableArray<string>.Empty : [.. keys.Split('/')];
        if (keyNames.Any(k => k.Length == 0))
        {
            warnings.Add($"{root}: folders below the table are not all key=value; no table");
            return null;
        }
        var partitions = folders.Select(f => new DiscoveredPartition(
                [.. f.Segments.Select(s => hive ? Unescape(s[(s.IndexOf('=') + 1)..]) : s)], f.Folder, f.Files))
            .OrderBy(p => p.Folder, StringComparer.Ordinal).ToImmutableArray();
        return new DiscoveredTable(TableName(CrawlStore.Name(root)), root, format.Value, keyNames, partitions, hive);
    }

    /// <summary>
    /// A file's format by content. Objects are first classified by their extension (.parquet, .csv, .json, .jsonl) so
    /// that a crawl of a prefix does not download every object; others are downloaded and sniffed like local files.
    /// </summary>
    private FileFormat? Classify(CrawlFile file)
    {
        if (!store.ReadsAreLocal && file.Length > 0)
        {
            var extension = Path.GetExtension(file.Name).ToLowerInvariant();
            if (extension is ".parquet") return FileFormat.Parquet;
            if (extension is ".csv" or ".tsv") return FileFormat.Csv;
            if (extension is ".json" or ".jsonl" or ".ndjson") return FileFormat.Json;
        }
        return FormatSniffer.Classify(store.Local(file));
    }

    private static string? Unescape(string raw)
    {
        var value = Uri.UnescapeDataString(raw);
        return value == HivePartitioning.NullValue ? null : value;
    }

    public static string TableName(string folder)
    {
        var name = new string([.. folder.ToLowerInvariant().Select(ch => char.IsLetterOrDigit(ch) ? ch : '_')]).Trim('_');
        return name.Length == 0 ? "table" : name;
    }
}
