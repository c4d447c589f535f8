namespace Glint.Storage;

/// <summary>A file a task attempt wrote; the path is relative to the attempt's folder.</summary>
public sealed record WrittenFile(string AttemptFolder, string RelativePath, long? Rows, long Bytes)
{
    public string FullPath => Path.Combine(AttemptFolder, RelativePath);
}
