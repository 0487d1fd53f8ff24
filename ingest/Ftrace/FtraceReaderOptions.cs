namespace MmReplay.Ingest.Ftrace;

/// <summary>Limits of what the ftrace reader keeps in memory besides the event stream.</summary>
public sealed record FtraceReaderOptions
{
    /// <summary>Malformed lines kept with their text; the total is always counted.</summary>
    public int MaxMalformedKept { get; init; } = 100;

    /// <summary>trace_marker lines kept (ground-truth checks); the total is always counted.</summary>
    public int MaxMarkersKept { get; init; } = 100_000;

    /// <summary>Events per batch handed to the channel.</summary>
    public int BatchCapacity { get; init; } = EventBatch.DefaultCapacity;
}
