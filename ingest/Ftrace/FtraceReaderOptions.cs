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

    /// <summary>Threads parsing blocks of lines (order is kept: one thread maps them in input order); 1 parses on the
    /// reading thread, 0 or less uses every core.</summary>
    public int Parallelism { get; init; } = 1;

    /// <summary>Bytes per block of lines handed to a parsing thread (a longer line gets a block of its own).</summary>
    public int ChunkBytes { get; init; } = 256 << 10;

    /// <summary>Throw <see cref="TraceRejectedException"/> at the first malformed line instead of counting it.</summary>
    public bool Strict { get; init; }

    /// <summary>
    /// Keep every syscall's enter..exit window (<see cref="FtraceReader.SyscallWindows"/>): validation attributes the
    /// kernel events logged inside a window to the syscall's op. Off by default: the list grows with the trace.
    /// </summary>
    public bool KeepSyscallWindows { get; init; }
}
