namespace Glint.Tests.Support;

/// <summary>A fresh folder for one test, removed afterwards.</summary>
public sealed class TempFolder : IDisposable
{
    /// <param name="inMemory">under /dev/shm (tmpfs) where there is one: for tests that create and delete many thousands of files,
    /// which on a disk mounted with discard cost seconds per run</param>
    public TempFolder(string? name = null, bool inMemory = false)
    {
        var root = inMemory && Directory.Exists("/dev/shm") ? "/dev/shm" : System.IO.Path.GetTempPath();
        Path = System.IO.Path.Combine(root, "glint-tests", (name ?? "t") + "-" + Guid.NewGuid().ToString("N")[..8]);
        Directory.CreateDirectory(Path);
    }

    public string Path { get; }

    public string this[string relative] => System.IO.Path.Combine(Path, relative);

    public void Dispose()
    {
        try { Directory.Delete(Path, recursive: true); } catch (IOException) { }
    }
}
