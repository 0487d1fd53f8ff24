using MmReplay.Replay.Model;

namespace MmReplay.Replay.Ops;

/// <summary>
/// numa_hint: change_prot_numa over [addr, addr+len) (NU-1). Step 1: notifier range_start (PROTECTION_VMA) and
/// inc_tlb_flush_pending. Then one leaf table per step under its PT lock: present PTEs of accessible VMAs
/// become protnone (not present to the CPU and to GUP-fast), skipping special pages (the zero page) and PTEs
/// already protnone; no flush inside the lock. Last step: range_end, one flush of the changed range (deferred,
/// as change_protection does), dec_tlb_flush_pending. The next access takes a NUMA hinting fault
/// (<see cref="Faults"/>); pages are not migrated (the trace names no nodes).
/// </summary>
internal static class NumaHintOp
{
    public static bool Step(Machine m, ref OpCursor c)
    {
        ref readonly var e = ref c.Event;
        var mm = m.MmOf(e.Pid);
        var end = e.Addr + e.Len;
        switch (c.Step)
        {
            case 0:
                c.Step = 1;
                mm.MmapLock = MmapLockState.Read;
                Notify.Start(m, mm, e.Addr, end, CallSite.NumaHint);
                mm.TlbFlushPending++;
                c.Va = e.Addr;
                return true;
            case 1:
                if (Walk.NextChunk(m, mm, c.Va, end, out var vi, out var start, out var stop))
                {
                    if (mm.VmaAt(vi).IsAccessible)
                    {
                        HintLeaf(m, mm, ref c, start, stop);
                    }

                    c.Va = stop;
                    return true;
                }

                c.Step = 2;
                return true;
            default:
                Notify.End(m, mm, e.Addr, end, CallSite.NumaHint); // a protection change: deferred (MN-2)
                if (c.GatherEnd != 0)
                {
                    m.FlushTlbRange(mm, c.GatherStart, c.GatherEnd, FlushScope.Range);
                }

                c.GatherStart = c.GatherEnd = 0;
                mm.TlbFlushPending--;
                mm.MmapLock = MmapLockState.Unlocked;
                return false;
        }
    }

    private static void HintLeaf(Machine m, AddressSpace mm, ref OpCursor c, ulong start, ulong stop)
    {
        var t = mm.Leaf(start, create: false);
        if (t < 0)
        {
            return;
        }

        for (var va = start; va < stop; va += m.PageSize)
        {
            ref var pte = ref mm.Pte(t, va);
            var old = pte;
            if (!Pte.IsCpuPresent(old) || (old & Pte.Special) != 0)
            {
                continue;
            }

            pte = (old & ~Pte.Write) | Pte.ProtNone; // pte_modify(PAGE_NONE)
            m.EmitPte(va, old, pte, PteChangeKind.ProtNone, m.Current.Pid);
            c.Gather(va, m.PageSize);
        }
    }
}
