namespace MmReplay.Ingest;

/// <summary>
/// What a reader knows about its trace. Counts and device names grow while the trace is read and are final once
/// <see cref="ITraceReader.ReadAsync"/> has completed; they may be read from any thread at any time (progress).
/// Invariant at the end: <c>RowsRead = EventsEmitted + RowsRejected + RowsIgnored</c>, exactly for CSV (one event per
/// row, nothing ignored). An ftrace line can also emit two events (a vfork child's exec: fork + exec), so for ftrace
/// <c>RowsRead = RowsRejected + RowsIgnored + (lines that emitted)</c> and EventsEmitted may exceed the last term.
/// </summary>
public sealed class TraceInfo
{
    private long _rowsRead;
    private long _eventsEmitted;
    private long _rowsRejected;
    private long _rowsIgnored;
    private long _bytesRead;
    private string[] _devices = [];

    public TraceInfo(string path, TraceFormat format, bool gzip, int pageSize, long? length)
    {
        Path = path;
        Format = format;
        Gzip = gzip;
        PageSize = pageSize;
        Length = length;
    }

    /// <summary>The path as given ("-" for standard input).</summary>
    public string Path { get; }

    public TraceFormat Format { get; }

    /// <summary>The input was gzip-compressed (detected by its magic bytes).</summary>
    public bool Gzip { get; }

    /// <summary>From the header comment <c>page_size=N</c>; 4096 by default.</summary>
    public int PageSize { get; }

    /// <summary>Input size in bytes when known (a file, not a pipe), for progress against <see cref="BytesRead"/>.</summary>
    public long? Length { get; }

    /// <summary>Device names by id: <see cref="TraceEvent.Device"/> indexes this list (order of first appearance).</summary>
    public IReadOnlyList<string> DeviceNames => Volatile.Read(ref _devices);

    /// <summary>Data rows seen (header, comments and blank lines excluded).</summary>
    public long RowsRead => Volatile.Read(ref _rowsRead);

    public long EventsEmitted => Volatile.Read(ref _eventsEmitted);

    public long RowsRejected => Volatile.Read(ref _rowsRejected);

    /// <summary>Rows read on purpose without an event (ftrace: headers, markers, syscall entries, events the model does not use).</summary>
    public long RowsIgnored => Volatile.Read(ref _rowsIgnored);

    /// <summary>Input bytes consumed so far (compressed bytes for a gzip file).</summary>
    public long BytesRead => Volatile.Read(ref _bytesRead);

    internal void CountEmitted() => Volatile.Write(ref _eventsEmitted, _eventsEmitted + 1);

    internal void CountRejected() => Volatile.Write(ref _rowsRejected, _rowsRejected + 1);

    internal void CountRead() => Volatile.Write(ref _rowsRead, _rowsRead + 1);

    /// <summary>Publishes a reader's running totals at once (readers that count in their own statistics).</summary>
    internal void SetCounts(long rowsRead, long eventsEmitted, long rowsRejected, long rowsIgnored)
    {
        Volatile.Write(ref _rowsIgnored, rowsIgnored);
        Volatile.Write(ref _rowsRejected, rowsRejected);
        Volatile.Write(ref _eventsEmitted, eventsEmitted);
        Volatile.Write(ref _rowsRead, rowsRead);
    }

    internal void SetBytesRead(long bytes) => Volatile.Write(ref _bytesRead, bytes);

    /// <summary>Appends a device (copy on write: devices are few, readers never see a list being changed).</summary>
    internal int AddDevice(string name)
    {
        var grown = new string[_devices.Length + 1];
        _devices.CopyTo(grown, 0);
        grown[^1] = name;
        Volatile.Write(ref _devices, grown);
        return grown.Length - 1;
    }
}
