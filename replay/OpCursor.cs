using MmReplay.Ingest;

namespace MmReplay.Replay;

/// <summary>
/// Where one op is between two lock boundaries. <see cref="Machine.Step"/> runs the op's next step (the work
/// done under one lock: mmap_lock, or one leaf table's PT lock) and advances this cursor, so sequential replay
/// and an interleaving explorer drive the same implementation.
/// </summary>
public struct OpCursor
{
    public TraceEvent Event;
    /// <summary>The op's next step (0 = not started).</summary>
    public int Step;
    /// <summary>Walk or access position.</summary>
    public ulong Va;
    /// <summary>mmu_gather / flush range accumulated so far: [GatherStart, GatherEnd), empty when GatherEnd == 0.</summary>
    public ulong GatherStart;
    public ulong GatherEnd;
    /// <summary>Frames queued for freeing after the flush, as an offset into the machine's free batch.</summary>
    public int Counter;
    /// <summary>Op-specific flags (e.g. "a present PTE was rewritten").</summary>
    public int Flags;
    /// <summary>Second address space of the op (fork child), by mm id.</summary>
    public int OtherMm;

    public OpCursor(in TraceEvent e)
    {
        Event = e;
    }

    /// <summary>Widen the gathered flush range by one page (tlb_remove_tlb_entry / tlb_flush_pte_range).</summary>
    public void Gather(ulong va, ulong pageSize)
    {
        if (GatherEnd == 0)
        {
            GatherStart = va;
            GatherEnd = va + pageSize;
            return;
        }

        if (va < GatherStart)
        {
            GatherStart = va;
        }

        if (va + pageSize > GatherEnd)
        {
            GatherEnd = va + pageSize;
        }
    }
}
