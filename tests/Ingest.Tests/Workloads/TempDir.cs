namespace MmReplay.Ingest.Tests.Workloads;

/// <summary>A scratch directory removed after the test.</summary>
internal sealed class TempDir : IDisposable
{
    private readonly string _path = Directory.CreateTempSubdirectory("mmreplay-gen-").FullName;

    public string File(string name) => Path.Combine(_path, name);

    public void Dispose() => Directory.Delete(_path, recursive: true);
}
