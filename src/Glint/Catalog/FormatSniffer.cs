using System.Text;
using Glint.Storage;

namespace Glint.Catalog;

/// <summary>Tells a data file's format from its content, as Glue's built-in classifiers do: Parquet magic, JSON lines, delimited text.</summary>
public static class FormatSniffer
{
    public static FileFormat? Classify(string path)
    {
        var info = new FileInfo(path);
        if (info.Length == 0) return null;
        using var stream = File.OpenRead(path);
        Span<byte> head = stackalloc byte[4];
        if (info.Length >= 12 && stream.Read(head) == 4 && Encoding.ASCII.GetString(head) == "PAR1")
        {
            stream.Seek(-4, SeekOrigin.End);
            if (stream.Read(head) == 4 && Encoding.ASCII.GetString(head) == "PAR1") return FileFormat.Parquet;
            return null;
        }
        stream.Seek(0, SeekOrigin.Begin);
        var buffer = new byte[Math.Min(64 * 1024, info.Length)];
        var read = stream.Read(buffer);
        var text = Encoding.UTF8.GetString(buffer, 0, read);
        if (text.Contains('\0')) return null;
        var lines = text.Split('\n').Select(l => l.TrimEnd('\r')).Where(l => l.Length > 0).Take(read == info.Length ? int.MaxValue : 20).ToList();
        if (read < info.Length && lines.Count > 1) lines.RemoveAt(lines.Count - 1); // the last line may be cut
        if (lines.Count == 0) return null;
        if (lines.All(l => l.TrimStart().StartsWith('{') && l.TrimEnd().EndsWith('}'))) return FileFormat.Json;
        foreach (var delimiter in new[] { ',', ';', '\t', '|' })
        {
            var counts = lines.Select(l => l.Count(ch => ch == delimiter)).Distinct().ToList();
            if (counts.Count == 1 && counts[0] > 0) return FileFormat.Csv;
        }
        return lines.Count == 1 || lines.All(l => !l.Contains(',')) ? FileFormat.Csv : null;
    }
}
