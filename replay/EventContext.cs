using MmReplay.Ingest;

namespace MmReplay.Replay;

/// <summary>The event a step works for, as effects need it (kept small: it is set on every step).</summary>
public struct EventContext
{
    public long Line;
    public int Pid;
    public int Cpu;
    public OpCode Op;
    /// <summary>Trace time (x86's once-a-second mm_cpumask trim).</summary>
    public ulong TimeNs;
}
