using System.Runtime.InteropServices;
using MmReplay.Ingest;

namespace MmReplay.Replay;

/// <summary>
/// One effect of replaying an event. A flat unmanaged struct so effect batches are pooled arrays;
/// fields are interpreted per <see cref="Kind"/> as documented on <see cref="EffectKind"/>.
/// </summary>
[StructLayout(LayoutKind.Sequential)]
public struct Effect
{
    /// <summary>Source line of the trace event that caused this effect.</summary>
    public long Line;
    /// <summary>Page address, or range start.</summary>
    public ulong Addr;
    /// <summary>Range end (exclusive); Addr + page size for single-page effects; ulong.MaxValue for a full range.</summary>
    public ulong End;
    /// <summary>Value written or observed; new PTE bits; pagemap entry.</summary>
    public ulong Value;
    /// <summary>Secondary value: old PTE bits, frame number, content seen by the other side.</summary>
    public ulong Aux;
    /// <summary>Target CPU mask for flushes.</summary>
    public ulong Cpus;
    /// <summary>Flush pages (-1 = full), or a count.</summary>
    public long Count;
    public int Pid;
    public int Cpu;
    /// <summary>Device (secondary TLB subscriber) id, or -1.</summary>
    public int Device;
    /// <summary>Fault error code (x86 bits).</summary>
    public uint Code;
    public EffectKind Kind;
    /// <summary>The op that caused the effect.</summary>
    public OpCode Op;
    /// <summary>Kind-specific sub-kind (reason, resolution, call, observation kind, hazard kind).</summary>
    public byte Detail;
    /// <summary>Kind-specific scope (flush scope, call site, cause).</summary>
    public byte Scope;
}
