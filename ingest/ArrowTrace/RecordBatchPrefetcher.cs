using MmReplay.Arrow;

namespace MmReplay.Ingest.ArrowTrace;

/// <summary>
/// Record batches of an Arrow trace in order, the next one read on another thread while the caller converts the
/// current one: reading a body (a kernel copy of megabytes) and turning it into events take about as long, so
/// overlapping them nearly halves the wall time. Two readers on the file, each with its own reused body, take the
/// even and the odd batches (the file format's footer gives random access); a stream is read in turn, as before.
/// A batch stays valid until the batch after next is read.
/// </summary>
internal sealed class RecordBatchPrefetcher : IDisposable
{
    private readonly ArrowReader _first;
    private readonly ArrowReader? _second;
    private readonly int _count;
    private int _next;
    private Task<ArrowRecordBatch>? _ahead;

    /// <param name="reader">The trace's reader, already open.</param>
    /// <param name="path">The trace file, for the second reader; null for a stream.</param>
    public RecordBatchPrefetcher(ArrowReader reader, string? path, ArrowReaderOptions options)
    {
        _first = reader;
        if (path is not null && reader.Format == ArrowFormat.File && reader.RecordBatchCount > 1)
        {
            _second = ArrowReader.Open(path, options);
            _count = reader.RecordBatchCount;
        }
    }

    /// <summary>The next record batch, or null after the last one.</summary>
    public ArrowRecordBatch? Next()
    {
        if (_second is null)
        {
            return _first.ReadNextRecordBatch();
        }

        if (_next >= _count)
        {
            return null;
        }

        var current = _ahead is null ? Read(_next) : _ahead.GetAwaiter().GetResult();
        _ahead = null;
        var following = ++_next;
        if (following < _count)
        {
            _ahead = Task.Run(() => Read(following));
        }

        return current;
    }

    public void Dispose()
    {
        // A read still running must finish before its reader is closed; its outcome no longer matters.
        try
        {
            _ahead?.Wait();
        }
        catch (AggregateException)
        {
        }

        _second?.Dispose();
    }

    private ArrowRecordBatch Read(int index) => (index % 2 == 0 ? _first : _second!).ReadRecordBatch(index);
}
