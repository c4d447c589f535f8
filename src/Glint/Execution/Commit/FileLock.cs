namespace Glint.Execution.Commit;

/// <summary>
/// An exclusive lock on a file (flock on Linux, taken by opening it with FileShare.None). The operating system drops
/// it when the process ends, however it ends, so a lock that can be taken means its last holder is gone.
/// </summary>
internal sealed class FileLock : IDisposable
{
    private readonly FileStream stream;

    private FileLock(string path, FileStream stream)
    {
        Path = path;
        this.stream = stream;
    }

    public string Path { get; }

    /// <summary>The lock, or null when another process (or another holder in this one) has it.</summary>
    public static FileLock? TryAcquire(string path)
    {
        Directory.CreateDirectory(System.IO.Path.GetDirectoryName(path)!);
        try { return new FileLock(path, new FileStream(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None)); }
        catch (IOException) { return null; }
    }

    /// <summary>Releases the lock and removes its file.</summary>
    public void Dispose()
    {
        try { File.Delete(Path); } catch (IOException) { }
        stream.Dispose();
    }
}
