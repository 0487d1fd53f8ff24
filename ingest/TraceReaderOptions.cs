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

    /// <summary>Batches the channel may hold before the reader waits; used by <see cref="TraceReaders.ReadAllAsync"/>.</summary>
    public int ChannelCapacity { get; init; } = 8;
}
