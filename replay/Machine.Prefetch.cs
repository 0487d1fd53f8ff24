using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics.X86;
using MmReplay.Ingest;
using MmReplay.Replay.Model;

namespace MmReplay.Replay;

/// <summary>
/// Cache hints for coming accesses, with no effect on the model. A trace's loads and stores land on pages
/// spread over a large working set, and each one waits on a chain of dependent loads (TLB entry, PTE, frame).
/// Hinted a few events ahead, the first two misses overlap with the work on the events before them.
/// </summary>
public sealed partial class Machine
{
    /// <summary>Distance at which the replay loop hints: far enough for a miss to resolve, near enough to stay cached.</summary>
    public const int PrefetchDistance = 8;

    /// <summary>Start loading the TLB entry and the PTE an access will read (<see cref="PrefetchDistance"/> events ahead).</summary>
    public unsafe void Prefetch(in TraceEvent e)
    {
        if (Sse.IsSupported && Hinted(in e) is { } mm)
        {
            var vpn = e.Addr >> PageShift;
            Sse.Prefetch0(Unsafe.AsPointer(ref Tlbs.EntryFor(e.Cpu, mm.Id, vpn)));
            var t = mm.Leaves.Find(vpn >> 9);
            if (t >= 0)
            {
                Sse.Prefetch0(Unsafe.AsPointer(ref Tables.EntryOrFirst(t, (int)(vpn & (LeafTables.Entries - 1)))));
            }
        }
    }

    /// <summary>The mm of an access worth a hint: a load or store by a process seen lately (nothing is created).</summary>
    private AddressSpace? Hinted(in TraceEvent e)
    {
        if (e.Op is not (OpCode.Read or OpCode.Write) || (uint)e.Cpu >= (uint)Config.Cpus)
        {
            return null;
        }

        ref var cached = ref _mmCache[e.Pid & (_mmCache.Length - 1)];
        return cached.Pid == e.Pid ? cached.Mm : null;
    }
}
