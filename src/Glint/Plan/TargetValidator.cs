using Glint.Errors;
using Glint.Storage;
using Glint.Storage.ObjectStores;

namespace Glint.Plan;

/// <summary>Checks before any task runs that each target can be written as asked without touching a source.</summary>
internal static class TargetValidator
{
    public static void CheckColumns(WriteTarget target, Schema schema)
    {
        foreach (var column in target.PartitionBy)
            schema.Require(column, $"partition_by of target '{target.Path}'");
        if (target.PartitionBy.Length >= schema.Columns.Length)
            throw new TargetException(target.Path, $"target '{target.Path}': partition_by uses every column; at least one must remain in the files");
    }

    public static void CheckPaths(IReadOnlyList<WriteTarget> targets, IEnumerable<FileSource> sources, S3Options s3)
    {
        var duplicate = targets.GroupBy(t => t.Path).FirstOrDefault(g => g.Count() > 1);
        if (duplicate is not null)
            throw new TargetException(duplicate.Key, $"two targets write the same folder '{duplicate.Key}'");
        var sourceList = sources.ToList();
        foreach (var target in targets)
        {
            if (File.Exists(target.Path))
                throw new TargetException(target.Path, $"target '{target.Path}' is a file; a target must be a folder");
            foreach (var source in sourceList)
            {
                var singleFile = File.Exists(source.Path);
                var overlaps = (!singleFile && (IsSameOrInside(target.Path, source.Root) || IsSameOrInside(source.Root, target.Path)))
                    || source.Files.Any(f => IsSameOrInside(f.Path, target.Path));
                if (overlaps)
                    throw new TargetException(target.Path,
                        $"target '{target.Path}' overlaps source '{source.Path}'; writing there could destroy or re-read the input");
            }
            if (target.Mode == WriteMode.ErrorIfExists && S3Uri.IsS3(target.Path) && S3TargetCommitter.HasData(target, s3))
                throw new TargetException(target.Path,
                    $"target '{target.Path}' already holds data; choose mode append, overwrite or overwrite_partitions");
            if (target.Mode == WriteMode.ErrorIfExists && Directory.Exists(target.Path)
                && Directory.EnumerateFileSystemEntries(target.Path).Any(e => !FileListing.IsHidden(Path.GetFileName(e))))
                throw new TargetException(target.Path,
                    $"target '{target.Path}' already holds data; choose mode append, overwrite or overwrite_partitions");
        }
    }

    private static bool IsSameOrInside(string path, string folder)
    {
        var p = Path.TrimEndingDirectorySeparator(path) + "/";
        var f = Path.TrimEndingDirectorySeparator(folder) + "/";
        return p.StartsWith(f, StringComparison.Ordinal);
    }
}
