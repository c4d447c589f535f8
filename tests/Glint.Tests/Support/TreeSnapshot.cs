using System.Security.Cryptography;

namespace Glint.Tests.Support;

/// <summary>Every file under a folder with its content hash, to prove a failed run left a target byte-identical.</summary>
public static class TreeSnapshot
{
    public static SortedDictionary<string, string> Of(string folder)
    {
        var result = new SortedDictionary<string, string>(StringComparer.Ordinal);
        if (!Directory.Exists(folder)) return result;
        foreach (var entry in Directory.EnumerateFileSystemEntries(folder, "*", SearchOption.AllDirectories))
        {
            var relative = Path.GetRelativePath(folder, entry);
            result[relative] = Directory.Exists(entry) ? "<dir>" : Convert.ToHexString(SHA256.HashData(File.ReadAllBytes(entry)));
        }
        return result;
    }
}
