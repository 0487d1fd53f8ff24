namespace MmReplay.Arrow;

/// <summary>
/// A file written under a temporary name beside its destination and renamed over it by <see cref="Commit"/>,
/// so readers never see a half-written output. Disposing without committing deletes the temporary file.
/// </summary>
public sealed class AtomicFile : IDisposable
{
    private readonly FileStream _stream;
    private bool _done;

    private AtomicFile(string path, int bufferSize)
    {
        Path = System.IO.Path.GetFullPath(path);
        var directory = System.IO.Path.GetDirectoryName(Path);
        if (!string.IsNullOrEmpty(directory))
        {
            Directory.CreateDirectory(directory);
        }

        // Same directory, so the rename is atomic; the pid keeps two processes from sharing a temp name.
        TemporaryPath = $"{Path}.{Environment.ProcessId}.tmp";
        _stream = new FileStream(TemporaryPath, FileMode.Create, FileAccess.ReadWrite, FileShare.None, bufferSize);
    }

    /// <summary>The final path.</summary>
    public string Path { get; }

    public string TemporaryPath { get; }

    /// <summary>Write here; do not dispose it yourself.</summary>
    public Stream Stream => _stream;

    public static AtomicFile Create(string path, int bufferSize = 1 << 16) => new(path, bufferSize);

    /// <summary>Write a whole file atomically in one call (CSV, JSON, ...).</summary>
    public static void Write(string path, Action<Stream> write)
    {
        ArgumentNullException.ThrowIfNull(write);
        using var file = Create(path);
        write(file.Stream);
        file.Commit();
    }

    /// <summary>Flush to disk and rename over the destination.</summary>
    public void Commit()
    {
        ObjectDisposedException.ThrowIf(_done, this);
        _stream.Flush(flushToDisk: true);
        _stream.Dispose();
        File.Move(TemporaryPath, Path, overwrite: true);
        _done = true;
    }

    public void Dispose()
    {
        if (_done)
        {
            return;
        }

        _done = true;
        _stream.Dispose();
        File.Delete(TemporaryPath);
    }
}
