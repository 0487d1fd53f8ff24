using MmReplay.Ingest;

namespace MmReplay.Oracle;

/// <summary>A trace to run on the kernel: a name for reports and its events in trace order.</summary>
public sealed record OracleTrace(string Name, IReadOnlyList<TraceEvent> Events);
