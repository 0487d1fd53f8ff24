using MmReplay.Replay.Model;

namespace MmReplay.Replay.Ops;

/// <summary>
/// zap_pte_range: clear the PTEs of a range one leaf table (one PT lock) per call, gathering the flush range
/// and queueing pages to free after the flush (mmu_gather). Shared by munmap, MADV_DONTNEED, mmap over an
/// existing mapping, mremap's destination, and exit.
/// </summary>
internal static class Zap
{
    /// <summary>Zap [c.Va, min(end, leaf end)) and advance c.Va; returns true while the range has more.</summary>
    public static bool LeafStep(Machine m, AddressSpace mm, ref OpCursor c, ulong end)
    {
        var leafEnd = LeafEnd(m, c.Va);
        var stop = Math.Min(end, leafEnd);
        var t = mm.Leaf(c.Va, create: false);
        if (t >= 0)
        {
            for (var va = c.Va; va < stop; va += m.PageSize)
            {
                ref var pte = ref mm.Pte(t, va);
                var old = pte;
                if (old == Pte.None)
                {
                    continue;
                }

                pte = Pte.None;
                if (Pte.IsSwap(old))
                {
                    m.Swap.Free(Pte.Frame(old));
                }
                else if (Pte.IsPresent(old))
                {
                    var frame = Pte.Frame(old);
                    if ((old & Pte.Special) == 0)
                    {
                        if ((old & Pte.Dirty) != 0 && m.Frames.Has(frame, FrameFlags.File))
                        {
                            m.Frames.Flags(frame) |= FrameFlags.PageDirty; // set_page_dirty for file pages
                        }

                        m.Frames.MapCount(frame)--;
                        m.QueueFree(frame);
                    }

                    c.Gather(va, m.PageSize); // tlb_remove_tlb_entry
                }

                m.EmitPte(va, old, Pte.None, PteChangeKind.Clear, m.Current.Pid);
            }
        }

        c.Va = stop;
        return c.Va < end;
    }

    /// <summary>First address of the next leaf table.</summary>
    public static ulong LeafEnd(Machine m, ulong va)
    {
        var span = m.PageSize * LeafTables.Entries;
        var next = (va & ~(span - 1)) + span;
        return next == 0 ? ulong.MaxValue : next;
    }

    /// <summary>Zap a whole range at once (all its leaf steps) within an op that already holds the mmap lock.</summary>
    public static void Range(Machine m, AddressSpace mm, ref OpCursor c, ulong start, ulong end)
    {
        var saved = c.Va;
        c.Va = start;
        var site = Notify.SiteOf(m.Current.Op);
        Notify.Start(m, mm, start, end, site);
        while (c.Va < end && LeafStep(m, mm, ref c, end))
        {
        }

        Notify.End(m, mm, start, end, site);
        c.Va = saved;
    }

    /// <summary>Remove the VMAs inside [start, end), splitting the ones that straddle it.</summary>
    public static void RemoveVmas(Machine m, AddressSpace mm, ulong start, ulong end)
    {
        mm.SplitAround(start, end, m.PageShift);
        var i = mm.FirstVmaEndingAfter(start);
        while (i < mm.VmaCount && mm.VmaAt(i).Start < end)
        {
            mm.RemoveVma(i);
        }
    }
}
