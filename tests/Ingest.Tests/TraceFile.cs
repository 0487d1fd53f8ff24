using System.IO.Compression;
using System.Text;
using MmReplay.Ingest;

namespace MmReplay.Ingest.Tests;

/// <summary>A trace written to a temporary file, read back with the public API.</summary>
public sealed class TraceFile : IDisposable
{
    private readonly string _dir = System.IO.Directory.CreateTempSubdirectory("mmreplay-ingest-").FullName;

    public TraceFile(string text, string name = "t.csv", bool gzip = false)
    {
        Path = System.IO.Path.Combine(_dir, name);
        var bytes = Encoding.UTF8.GetBytes(text);
        if (gzip)
        {
            using var file = File.Create(Path);
            using var gz = new GZipStream(file, CompressionLevel.Fastest);
            gz.Write(bytes);
        }
        else
        {
            File.WriteAllBytes(Path, bytes);
        }
    }

    public string Path { get; }

    public string Directory => _dir;

    /// <summary>Reads the file; returns the events, the rejects and the reader's info.</summary>
    public (List<TraceEvent> Events, List<Rejection> Rejects, TraceInfo Info) Read(int parallelism = 1, bool strict = false, int batchSize = EventBatch.DefaultCapacity)
    {
        var sink = new ListRejectSink();
        using var reader = TraceReaders.Open(Path, new TraceReaderOptions { Parallelism = parallelism, Strict = strict, BatchSize = batchSize }, sink);
        var events = TraceReaders.ReadAllAsync(reader).GetAwaiter().GetResult();
        return (events, sink.Rejections, reader.Info);
    }

    public void Dispose() => System.IO.Directory.Delete(_dir, recursive: true);
}
