using MmReplay.Replay.Model;
using MmReplay.Replay.Policy;

namespace MmReplay.Replay.Ops;

/// <summary>
/// Reclaim of the pages in a range (swap_out, MADV_PAGEOUT): try_to_unmap from every mm mapping the page
/// (anon pages are found at the same address in related mms, file pages through the file's VMAs), anon pages
/// to swap entries that keep soft-dirty (SD-5) and exclusivity, file pages just unmapped. Pinned pages are not
/// reclaimed. The flush is batched (one "local shootdown" full flush at the end) when mm_cpumask holds other
/// CPUs, else one page flush per unmap (should_defer_flush). One leaf table per step.
/// </summary>
internal static class ReclaimOp
{
    private const int Batched = 1;

    public static bool Step(Machine m, ref OpCursor c) => Step(m, ref c, onlyExclusive: false);

    public static bool Step(Machine m, ref OpCursor c, bool onlyExclusive)
    {
        ref readonly var e = ref c.Event;
        var mm = m.MmOf(e.Pid);
        var end = e.Addr + e.Len;
        switch (c.Step)
        {
            case 0:
                c.Step = 1;
                c.Va = e.Addr;
                c.Flags = (mm.CpuMask & ~(1UL << e.Cpu)) != 0 ? Batched : 0;
                return true;
            case 1:
                if (Walk.NextChunk(m, mm, c.Va, end, out var vi, out var start, out var stop))
                {
                    for (var va = start; va < stop; va += m.PageSize)
                    {
                        ReclaimPage(m, mm, ref mm.VmaAt(vi), va, onlyExclusive, ref c);
                    }

                    c.Va = stop;
                    return true;
                }

                c.Step = 2;
                return true;
            default:
                if ((c.Flags & Batched) != 0 && c.GatherEnd != 0)
                {
                    m.FlushBatched(mm); // try_to_unmap_flush
                    c.GatherStart = c.GatherEnd = 0;
                }

                m.FinishGather(mm, ref c, fullMm: false);
                return false;
        }
    }

    private static void ReclaimPage(Machine m, AddressSpace mm, ref Vma vma, ulong va, bool onlyExclusive, ref OpCursor c)
    {
        var pte = mm.ReadPte(va);
        if (!Pte.IsPresent(pte) || (pte & Pte.Special) != 0)
        {
            return;
        }

        var frame = Pte.Frame(pte);
        var anon = m.Frames.Has(frame, FrameFlags.Anon);
        if (m.Frames.MaybeDmaPinned(frame) || (onlyExclusive && (!anon || m.Frames.MapCount(frame) != 1)))
        {
            return;
        }

        var slot = anon ? m.Swap.Allocate(m.Frames.Content(frame)) : 0;
        var exclusive = anon && m.Frames.Has(frame, FrameFlags.AnonExclusive);
        var mapped = 0;
        for (var id = 1; id < m.MmCount; id++)
        {
            var other = m.MmById(id);
            if (other is null || !other.Alive)
            {
                continue;
            }

            if (anon)
            {
                mapped += UnmapAt(m, other, va, frame, slot, exclusive, ref c);
            }
            else
            {
                mapped += UnmapFile(m, other, vma.FileId, vma.PgOffOf(va, m.PageShift), frame, ref c);
            }
        }

        if (anon)
        {
            // One swap reference per swap PTE; the allocation counted one.
            for (var i = 1; i < mapped; i++)
            {
                m.Swap.Dup(slot);
            }

            if (mapped == 0)
            {
                m.Swap.Free(slot);
            }
        }
    }

    private static int UnmapFile(Machine m, AddressSpace mm, int fileId, ulong pgoff, int frame, ref OpCursor c)
    {
        var n = 0;
        for (var i = 0; i < mm.VmaCount; i++)
        {
            ref var v = ref mm.VmaAt(i);
            var pages = (v.End - v.Start) >> m.PageShift;
            if (v.IsAnon || v.FileId != fileId || pgoff < v.PgOff || pgoff >= v.PgOff + pages)
            {
                continue;
            }

            n += UnmapAt(m, mm, v.Start + ((pgoff - v.PgOff) << m.PageShift), frame, -1, false, ref c);
        }

        return n;
    }

    /// <summary>try_to_unmap_one for one mm: the PTE becomes a swap entry (anon) or none (file).</summary>
    private static int UnmapAt(Machine m, AddressSpace mm, ulong va, int frame, int slot, bool exclusive, ref OpCursor c)
    {
        var t = mm.LeafMapping(va, frame);
        if (t < 0)
        {
            return 0;
        }

        ref var pte = ref mm.Pte(t, va);
        var old = pte;

        if (slot >= 0)
        {
            pte = Pte.WithFrame(Pte.Swap | (old & (Pte.SoftDirty | Pte.UffdWp)) | (exclusive ? Pte.SwapExclusive : 0), slot);
        }
        else
        {
            pte = Pte.None;
            if ((old & Pte.Dirty) != 0)
            {
                m.Frames.Flags(frame) |= FrameFlags.PageDirty;
            }
        }

        // try_to_unmap_one: a notifier range per page. From v4.15 (0f10851ea475, verified in the patch) the anon
        // branch still invalidates under the PT lock ("Invalidate as we cleared the pte") and the locked file page
        // waits for range_end; v4.14 invalidated every page at "discard". range_end (not only_end) invalidates again.
        var end = va + m.PageSize;
        Notify.Start(m, mm, va, end, CallSite.SwapOut);
        m.EmitPte(va, old, pte, PteChangeKind.SwapOut, mm.Pid);
        if ((c.Flags & 1) != 0 && mm.Id == m.MmOf(c.Event.Pid).Id)
        {
            c.Gather(va, m.PageSize);
            Notify.ArchFlush(m, mm, 0, ulong.MaxValue, CallSite.SwapOut); // v6.6 arch_tlbbatch_add_pending: [0, -1) per page
        }
        else
        {
            m.FlushTlbRange(mm, va, end, FlushScope.Page, CallSite.SwapOut); // ptep_clear_flush
        }

        if (slot >= 0 || m.Policy.Notifier == NotifierStrategy.Double)
        {
            Notify.UnderPtl(m, mm, va, end, CallSite.SwapOut);
        }

        Notify.End(m, mm, va, end, CallSite.SwapOut);

        m.Frames.MapCount(frame)--;
        m.QueueFree(frame);
        return 1;
    }
}
