namespace MmReplay.Ingest;

/// <summary>How a trace is read. The CLI maps its flags onto this record.</summary>
public sealed record TraceReaderOptions
{
    public static readonly TraceReaderOptions Default = new();

    /// <summary>Stop at the first rejected row with <see cref="TraceRejectedException"/>.</summary>
    public bool Strict { get; init; }

    /// <summary>Events per <see cref="EventBatch"/>.</summary>
    public int BatchSize { get; init; } = EventBatch.DefaultCapacity;

    /// <summary>Parsing threads (1 = parse on the reading thread; -1 = one per core). Event order is kept either way.</summary>
    public int Parallelism { get; init; } = 1;

    /// <summary>
    /// With <see cref="Parallelism"/> other than 1, a plain CSV file is read in chunks of about this many bytes, one
    /// per core at a time (gzip and standard input are read as one stream).
    /// </summary>
    public int CsvChunkBytes { get; init; } = 4 << 20;

    /// <summary>Batches the channel may hold before the reader waits; used by <see cref="TraceReaders.ReadAllAsync"/>.</summary>
    public int ChannelCapacity { get; init; } = 8;
}
