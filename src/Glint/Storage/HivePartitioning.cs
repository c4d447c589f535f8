using System.Collections.Immutable;
using System.Globalization;
using Glint.Common;

namespace Glint.Storage;

/// <summary>Hive-style partition folders (<c>day=2024-01-02/</c>): parsing, consistency and typing of their values.</summary>
internal static class HivePartitioning
{
    /// <summary>Hive's name for a NULL partition value.</summary>
    public const string NullValue = "__HIVE_DEFAULT_PARTITION__";

    public static ImmutableArray<KeyValuePair<string, string?>> Parse(string root, string file)
    {
        var folder = file[..Math.Max(0, file.LastIndexOf('/'))];
        var relative = Common.S3Uri.IsS3(root)
            ? (folder.Length <= root.TrimEnd('/').Length ? "." : folder[(root.TrimEnd('/').Length + 1)..])
            : Path.GetRelativePath(root, Path.GetDirectoryName(file)!);
        if (relative == ".") return [];
        var values = ImmutableArray.CreateBuilder<KeyValuePair<string, string?>>();
        foreach (var segment in relative.Split('/'))
        {
            var eq = segment.IndexOf('=');
            if (eq <= 0) continue;
            var raw = Uri.UnescapeDataString(segment[(eq + 1)..]);
            values.Add(new(segment[..eq], raw == NullValue ? null : raw));
        }
        return values.ToImmutable();
    }

    public static void CheckConsistent(string root, ImmutableArray<SourceFile> files)
    {
        var first = files[0].PartitionValues.Select(kv => kv.Key).ToList();
        foreach (var f in files)
        {
            var keys = f.PartitionValues.Select(kv => kv.Key).ToList();
            if (!keys.SequenceEqual(first, StringComparer.OrdinalIgnoreCase))
                throw new SourceException(root,
                    $"inconsistent partition folders under '{root}': '{files[0].Path}' has [{string.Join(", ", first)}] but '{f.Path}' has [{string.Join(", ", keys)}]");
        }
    }

    /// <summary>Infers one type per partition column from all its values: BIGINT, DOUBLE, DATE, else VARCHAR.</summary>
    public static ImmutableArray<Column> InferColumns(ImmutableArray<SourceFile> files)
    {
        if (files.IsEmpty || files[0].PartitionValues.IsEmpty) return [];
        return files[0].PartitionValues.Select((kv, i) =>
        {
            var values = files.Select(f => f.PartitionValues[i].Value).Where(v => v is not null).Distinct().ToList();
            return new Column(kv.Key, InferType(values!));
        }).ToImmutableArray();
    }

    private static string InferType(List<string> values)
    {
        if (values.Count == 0) return "VARCHAR";
        if (values.All(v => long.TryParse(v, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out _))
            && values.All(v => !(v.Length > 1 && v.StartsWith('0')))) return "BIGINT";
        if (values.All(v => DateOnly.TryParseExact(v, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out _)))
            return "DATE";
        if (values.All(v => double.TryParse(v, NumberStyles.Float, CultureInfo.InvariantCulture, out _) && v.Contains('.')))
            return "DOUBLE";
        return "VARCHAR";
    }
}
