using Glint.Common;
using Glint.Storage;
using Glint.Storage.ObjectStores;

namespace Glint.Plan;

/// <summary>Checks before any task runs that each target can be written as asked without touching a source.</summary>
internal static class TargetValidator
{
    public static void CheckColumns(WriteTarget target, Schema schema)
    {
        foreach (var column in target.PartitionBy)
        {
            schema.Require(column, $"partition_by of target '{target.Path}'");
            // Folders named _x=… or .x=… are hidden to every Hive-style reader (Glint's, Spark's, Glue's crawler): the rows would vanish.
            if (column.StartsWith('_') || column.StartsWith('.'))
                throw new TargetException(target.Path,
                    $"target '{target.Path}': partition column '{column}' would write folders named {column}=…, which readers skip as hidden (names starting with _ or .); rename it first, e.g. select: [\"{column} AS {column.TrimStart('_', '.')}\"]");
        }
        if (target.PartitionBy.Length >= schema.Columns.Length)
            throw new TargetException(target.Path, $"target '{target.Path}': partition_by uses every column; at least one must remain in the files");
    }

    public static void CheckPaths(IReadOnlyList<WriteTarget> targets, IEnumerable<FileSource> sources, S3Options s3)
    {
        // Paths by identity: symbolic links resolved, "." and ".." and trailing slashes gone, s3:// as bucket and prefix.
        var canonical = targets.Select(t => (Target: t, Real: CanonicalPath.Of(t.Path))).ToList();
        for (var i = 0; i < canonical.Count; i++)
            for (var j = 0; j < canonical.Count; j++)
            {
                if (i == j) continue;
                var (a, b) = (canonical[i], canonical[j]);
                if (a.Real == b.Real && i < j)
                    throw new TargetException(a.Target.Path, $"two targets write the same folder '{a.Real}' ('{a.Target.Path}' and '{b.Target.Path}')");
                if (a.Real != b.Real && CanonicalPath.IsSameOrInside(a.Real, b.Real))
                    throw new TargetException(a.Target.Path, $"target '{a.Target.Path}' lies inside target '{b.Target.Path}'; writing one would replace or re-read the other's files");
            }
        var sourceList = sources.ToList();
        foreach (var (target, real) in canonical)
        {
            if (File.Exists(target.Path))
                throw new TargetException(target.Path, $"target '{target.Path}' is a file; a target must be a folder");
            foreach (var source in sourceList)
            {
                var singleFile = !S3Uri.IsS3(source.Path) && File.Exists(source.Path);
                var root = CanonicalPath.Of(source.Root);
                var overlaps = (!singleFile && (CanonicalPath.IsSameOrInside(real, root) || CanonicalPath.IsSameOrInside(root, real)))
                    || source.Files.Any(f => CanonicalPath.IsSameOrInside(CanonicalPath.Of(f.Path), real));
                if (overlaps)
                    throw new TargetException(target.Path,
                        $"target '{target.Path}'{(real == Path.TrimEndingDirectorySeparator(target.Path) ? "" : $" (really '{real}')")} overlaps source '{source.Path}'; writing there could destroy or re-read the input");
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
}
