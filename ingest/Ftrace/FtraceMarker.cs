namespace MmReplay.Ingest.Ftrace;

/// <summary>
/// One <c>trace_marker</c> write (for example the workloads' <c>GT op=...</c> ground-truth lines), kept beside the
/// event stream for later ground-truth checks. <paramref name="Pid"/> is the address space, <paramref name="Tid"/> the writer.
/// </summary>
public sealed record FtraceMarker(long Line, ulong TimeNs, int Cpu, int Pid, int Tid, string Text);
