namespace MmReplay.Analyze.Validation;

/// <summary>A recorded flush no replayed op explains (inside an unmodelled syscall, or before any op of its task).</summary>
public sealed record UnattributedFlush(long Line, int Tid, int Cpu, Ingest.TlbFlushReason Reason, long Pages, string Why);
