using MmReplay.Ingest;
using MmReplay.Replay.Model;
using MmReplay.Replay.Policy;

namespace MmReplay.Replay.Ops;

/// <summary>
/// Writing /proc/PID/clear_refs (1.5, 1.6). Step 1 takes mmap_lock (per era) and, for type 4, clears
/// VM_SOFTDIRTY on the VMAs (recomputing vm_page_prot from era B, SD-8, WN-2); era C raises tlb_flush_pending.
/// Then one leaf table per step under its PT lock: type 4 write-protects and clears soft-dirty (skipping pinned
/// PTEs from v5.11, SD-16), types 1–3 clear the young bit. No flush inside the PT lock: the last step flushes
/// the whole mm once (SD-17) — all types in eras A/B, type 4 only in era C, none in the regression window.
/// </summary>
internal static class ClearRefsOp
{
    public static bool Step(Machine m, ref OpCursor c)
    {
        ref readonly var e = ref c.Event;
        var mm = m.MmOf(e.Pid);
        var type = e.ClearRefsType;
        var era = m.Policy.ClearRefsEra;
        switch (c.Step)
        {
            case 0:
                if (type is < 1 or > 5 || type == 5 || (type == 4 && !m.Policy.SoftDirty))
                {
                    return false; // 5: hiwater_rss only; 4 without CONFIG_MEM_SOFT_DIRTY is rejected (SD-14); else -EINVAL
                }

                c.Step = 1;
                mm.MmapLock = era == ClearRefsEra.C ? MmapLockState.Write : MmapLockState.Read;
                if (type == 4)
                {
                    ClearVmaSoftDirty(m, mm, era);
                }

                if (era == ClearRefsEra.C)
                {
                    mm.TlbFlushPending++; // inc_tlb_flush_pending
                }

                if (type == 4)
                {
                    m.EmitDirtyReport(0, ulong.MaxValue, 4); // the tracking interval starts here (VM_SOFTDIRTY cleared)
                    Notify.Start(m, mm, 0, ulong.MaxValue, CallSite.ClearRefs); // MMU_NOTIFY_SOFT_DIRTY over [0, -1)
                }

                c.Va = 0;
                return true;
            case 1:
                if (Walk.NextChunk(m, mm, c.Va, ulong.MaxValue, out var vi, out var start, out var stop))
                {
                    ref var vma = ref mm.VmaAt(vi);
                    if (Selected(vma, type))
                    {
                        WalkLeaf(m, mm, ref vma, start, stop, type);
                    }

                    c.Va = stop;
                    return stop != ulong.MaxValue;
                }

                c.Step = 2;
                return true;
            default:
                if (type == 4)
                {
                    Notify.End(m, mm, 0, ulong.MaxValue, CallSite.ClearRefs); // before v6.6 ->invalidate_range here (SD-17)
                }

                var flush = !m.Policy.ClearRefsFlushRegression && (era != ClearRefsEra.C || type == 4);
                if (flush)
                {
                    m.FlushTlbRange(mm, 0, ulong.MaxValue, FlushScope.Full); // flush_tlb_mm
                }

                if (era == ClearRefsEra.C)
                {
                    mm.TlbFlushPending--;
                }

                mm.MmapLock = MmapLockState.Unlocked;
                return false;
        }
    }

    /// <summary>
    /// Era A clears VM_SOFTDIRTY under the read lock and leaves vm_page_prot alone (shared VMAs keep writable
    /// PTE installs: the write is then invisible). Era B: write lock, every VMA, vma_set_page_prot, downgrade.
    /// Era C: write lock, the VMAs that had the flag.
    /// </summary>
    private static void ClearVmaSoftDirty(Machine m, AddressSpace mm, ClearRefsEra era)
    {
        if (era == ClearRefsEra.B)
        {
            mm.MmapLock = MmapLockState.Write;
        }

        for (var i = 0; i < mm.VmaCount; i++)
        {
            ref var vma = ref mm.VmaAt(i);
            if (era == ClearRefsEra.C && !vma.Has(VmaFlags.SoftDirty))
            {
                continue;
            }

            vma.Flags &= ~VmaFlags.SoftDirty;
            if (era != ClearRefsEra.A)
            {
                VmaRules.SetPageProt(m, ref vma);
            }
        }

        if (era == ClearRefsEra.B)
        {
            mm.MmapLock = MmapLockState.Read; // downgrade_write
        }
    }

    /// <summary>clear_refs_test_walk: PFN maps are skipped; type 2 wants anon (no vm_file), type 3 file-backed.</summary>
    private static bool Selected(in Vma vma, byte type) =>
        !vma.Has(VmaFlags.PfnMap) && !vma.Has(VmaFlags.HugeTlb) && type switch
        {
            2 => vma.IsAnon,
            3 => !vma.IsAnon,
            _ => true,
        };

    private static void WalkLeaf(Machine m, AddressSpace mm, ref Vma vma, ulong start, ulong stop, byte type)
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
            if (type == 4)
            {
                if (Pte.IsSwap(old))
                {
                    pte = old & ~Pte.SoftDirty; // pte_swp_clear_soft_dirty
                }
                else if (Pte.IsPresent(old) && !IsPinned(m, mm, vma, old))
                {
                    pte = old & ~(Pte.Write | Pte.SoftDirty); // pte_wrprotect + pte_clear_soft_dirty
                }

                if (pte != old)
                {
                    m.EmitPte(va, old, pte, PteChangeKind.SoftDirtyClear, m.Current.Pid);
                }
            }
            else if (Pte.IsPresent(old) && (old & Pte.Special) == 0)
            {
                m.Frames.Flags(Pte.Frame(old)) &= ~FrameFlags.Referenced;
                if ((old & Pte.Young) != 0)
                {
                    pte = old & ~Pte.Young;
                    m.EmitPte(va, old, pte, PteChangeKind.YoungClear, m.Current.Pid);
                }
            }
        }
    }

    /// <summary>pte_is_pinned (v5.11, SD-16): writable, COW mapping, mm has pinned, page maybe DMA-pinned.</summary>
    private static bool IsPinned(Machine m, AddressSpace mm, in Vma vma, ulong pte) =>
        m.Policy.ClearRefsSkipPinned
        && (pte & Pte.Write) != 0
        && vma.IsCow
        && mm.HasPinned
        && (pte & Pte.Special) == 0
        && m.Frames.MaybeDmaPinned(Pte.Frame(pte));
}
