using MmReplay.Replay.Model;

namespace MmReplay.Replay.Ops;

/// <summary>
/// userfaultfd write-protect (UFFDIO_REGISTER_MODE_WP + UFFDIO_WRITEPROTECT) over [addr, addr+len). Step 1
/// under mmap_lock: the VMAs get VM_UFFD_WP (split to the range) and the notifier range starts
/// (PROTECTION_VMA). Then one leaf table per step (change_protection with MM_CP_UFFD_WP): enable=1 sets the
/// uffd-wp bit and clears write on present PTEs and, with async=1 (UFFD_FEATURE_WP_ASYNC, 1.9), installs
/// uffd-wp markers on unpopulated ones so their first write is seen too; enable=0 clears the bits and markers.
/// Last step: range_end and one flush of the PTEs that lost write. A write to a protected page is resolved by
/// the kernel (async) or, in sync mode, by a handler that un-protects at once: <see cref="Faults"/>.
/// </summary>
internal static class UffdWpOp
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
                mm.SplitAround(e.Addr, end, m.PageShift);
                for (var i = mm.FirstVmaEndingAfter(e.Addr); i < mm.VmaCount && mm.VmaAt(i).Start < end; i++)
                {
                    mm.VmaAt(i).Flags |= VmaFlags.UffdWp;
                }

                Notify.Start(m, mm, e.Addr, end, CallSite.UffdWp);
                c.Va = e.Addr;
                return true;
            case 1:
                if (Walk.NextChunk(m, mm, c.Va, end, out _, out var start, out var stop))
                {
                    ProtectLeaf(m, mm, ref c, start, stop, e.Enable, e.Async);
                    c.Va = stop;
                    return true;
                }

                c.Step = 2;
                return true;
            default:
                Notify.End(m, mm, e.Addr, end, CallSite.UffdWp); // a write-protect: deferred (MN-2)
                if (c.GatherEnd != 0)
                {
                    m.FlushTlbRange(mm, c.GatherStart, c.GatherEnd, FlushScope.Range);
                }

                c.GatherStart = c.GatherEnd = 0;
                mm.MmapLock = MmapLockState.Unlocked;
                return false;
        }
    }

    private static void ProtectLeaf(Machine m, AddressSpace mm, ref OpCursor c, ulong start, ulong stop, bool enable, bool async)
    {
        var t = mm.Leaf(start, create: enable && async);
        if (t < 0)
        {
            return;
        }

        for (var va = start; va < stop; va += m.PageSize)
        {
            ref var pte = ref mm.Pte(t, va);
            var old = pte;
            if (enable)
            {
                pte = old == Pte.None ? (async ? Pte.Marker | Pte.UffdWp : Pte.None)
                    : Pte.IsPresent(old) || Pte.IsSwap(old) ? (old | Pte.UffdWp) & ~Pte.Write : old;
            }
            else
            {
                pte = (old & Pte.Marker) != 0 ? Pte.None : old & ~Pte.UffdWp;
            }

            if (pte == old)
            {
                continue;
            }

            m.EmitPte(va, old, pte, (old & Pte.Write) != 0 ? PteChangeKind.WriteProtect : PteChangeKind.Install, mm.Pid);
            if ((old & Pte.Write) != 0)
            {
                c.Gather(va, m.PageSize);
            }
        }
    }
}
