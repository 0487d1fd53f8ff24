using MmReplay.Ingest;

namespace MmReplay.Oracle;

/// <summary>A trace to run on the kernel: a name for reports, its events in trace order, and its generator seed (0 if none).</summary>
public sealed record OracleTrace(string Name, IReadOnlyList<TraceEvent> Events, ulong Seed = 0);
