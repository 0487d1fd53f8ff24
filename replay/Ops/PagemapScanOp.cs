using MmReplay.Replay.Model;

namespace MmReplay.Replay.Ops;

/// <summary>
/// PAGEMAP_SCAN with want=written (1.9): a page of a VMA registered for uffd-wp is written when its PTE (present,
/// swap, or none) carries no uffd-wp bit and no marker; one Written observation per page of such VMAs (Value 1 =
/// written, Aux = frame or -1, Scope bit 0 = clear=1 re-protects). With clear=1 (PM_SCAN_WP_MATCHING) the written
/// pages are write-protected again under a notifier range over the scan, one leaf table per step, each leaf
/// table that changed flushed once over the part walked (the per-page-table flush of
/// pagemap_scan_pmd_entry). Pages outside registered VMAs are not reported.
/// </summary>
internal static class PagemapScanOp
{
    public static bool Step(Machine m, ref OpCursor c)
    {
        ref readonly var e = ref c.Event;
        var mm = m.MmOf(e.Pid);
        var end = e.Addr + Math.Max(e.Len, 1);
        var clear = e.Enable;
        switch (c.Step)
        {
            case 0:
                c.Step = 1;
                mm.MmapLock = MmapLockState.Read;
                if (clear)
                {
                    Notify.Start(m, mm, e.Addr, end, CallSite.UffdWp);
                }

                c.Va = e.Addr;
                return true;
            case 1:
                if (Walk.NextChunk(m, mm, c.Va, end, out var vi, out var start, out var stop))
                {
                    if (mm.VmaAt(vi).Has(VmaFlags.UffdWp))
                    {
                        ScanLeaf(m, mm, start, stop, clear);
                    }

                    c.Va = stop;
                    return true;
                }

                c.Step = 2;
                return true;
            default:
                if (clear)
                {
                    Notify.End(m, mm, e.Addr, end, CallSite.UffdWp);
                }

                mm.MmapLock = MmapLockState.Unlocked;
                return false;
        }
    }

    private static void ScanLeaf(Machine m, AddressSpace mm, ulong start, ulong stop, bool clear)
    {
        var t = mm.Leaf(start, create: clear);
        var changed = false;
        for (var va = start; va < stop; va += m.PageSize)
        {
            var old = t < 0 ? Pte.None : mm.Pte(t, va);
            var written = (old & (Pte.UffdWp | Pte.Marker)) == 0 && old != Pte.None;
            var frame = Pte.IsPresent(old) ? (ulong)Pte.Frame(old) : ulong.MaxValue;
            m.EmitObservation(ObservationKind.Written, va, written ? 1UL : 0, frame, scope: clear ? (byte)1 : (byte)0);
            if (!clear || !written)
            {
                continue;
            }

            ref var pte = ref mm.Pte(t, va);
            pte = (old | Pte.UffdWp) & ~Pte.Write;
            m.EmitPte(va, old, pte, PteChangeKind.WriteProtect, mm.Pid);
            changed |= (old & Pte.Write) != 0;
        }

        if (changed)
        {
            m.FlushTlbRange(mm, start, stop, FlushScope.Range); // flush_tlb_range over the part of the page table walked
        }
    }
}
