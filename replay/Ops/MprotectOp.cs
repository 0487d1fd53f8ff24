using MmReplay.Ingest;
using MmReplay.Replay.Model;
using MmReplay.Replay.Policy;

namespace MmReplay.Replay.Ops;

/// <summary>
/// mprotect (mprotect_fixup + change_protection). Step 1 under mmap_lock for write: split, set the new flags,
/// merge (SD-7), vma_set_page_prot. Then one leaf table per step under its PT lock: rewrite present PTEs from
/// the new vm_page_prot, upgrading some to writable without a fault per the era (WN-3/WN-4). Last step: the TLB
/// flush (before v6.0 per VMA over its whole range when a present PTE was rewritten; from v6.0 one mmu_gather
/// flush of the PTEs that lost a permission, 4a18419f71cd) and unlock.
/// </summary>
internal static class MprotectOp
{
    private const int AnyPresent = 1;

    public static bool Step(Machine m, ref OpCursor c)
    {
        ref readonly var e = ref c.Event;
        var mm = m.MmOf(e.Pid);
        var end = e.Addr + e.Len;
        switch (c.Step)
        {
            case 0:
                mm.MmapLock = MmapLockState.Write;
                if (!FindChanged(m, mm, e.Addr, end, e.Prot))
                {
                    mm.MmapLock = MmapLockState.Unlocked; // mprotect_fixup: "if (newflags == oldflags) return 0" for every VMA
                    return false;
                }

                c.Step = 1;
                UpdateVmas(m, mm, e.Addr, end, e.Prot);
                Notify.Start(m, mm, e.Addr, end, CallSite.Mprotect); // change_pmd_range: MMU_NOTIFY_PROTECTION_VMA
                c.Va = e.Addr;
                return true;
            case 1:
                if (Walk.NextChunk(m, mm, c.Va, end, out var vi, out var start, out var stop))
                {
                    ref var vma = ref mm.VmaAt(vi);
                    ChangeLeaf(m, mm, ref c, ref vma, start, stop);
                    c.Va = stop;
                    // change_protection runs over the mprotect range clipped to the VMA, which a merge may have grown.
                    var vmaStop = Math.Min(vma.End, end);
                    if (m.Policy.MprotectFlush == MprotectFlush.WholeRange && stop == vmaStop && (c.Flags & AnyPresent) != 0)
                    {
                        // <v6.0 change_protection_range, per VMA: "if (pages) flush_tlb_range(vma, start, end)".
                        m.FlushTlbRange(mm, Math.Max(vma.Start, e.Addr), vmaStop, FlushScope.Range);
                        c.Flags &= ~AnyPresent;
                    }

                    return true;
                }

                c.Step = 2;
                return true;
            default:
                Notify.End(m, mm, e.Addr, end, CallSite.Mprotect); // write-protect defers to range_end (MN-2)
                if (m.Policy.MprotectFlush == MprotectFlush.Changed && c.GatherEnd != 0)
                {
                    m.FlushTlbRange(mm, c.GatherStart, c.GatherEnd, FlushScope.Range); // v6.0 tlb_finish_mmu (4a18419f71cd)
                }

                mm.MmapLock = MmapLockState.Unlocked;
                return false;
        }
    }

    private static VmaFlags ProtFlags(Prot prot) =>
        ((prot & Prot.Read) != 0 ? VmaFlags.Read : VmaFlags.None)
        | ((prot & Prot.Write) != 0 ? VmaFlags.Write : VmaFlags.None)
        | ((prot & Prot.Exec) != 0 ? VmaFlags.Exec : VmaFlags.None);

    /// <summary>
    /// Record in <see cref="Machine.MprotectChanged"/> the parts of [start, end) whose VMA flags change. mprotect_fixup
    /// (mm/mprotect.c, in every version since v2.6.12) returns early for a VMA whose flags stay the same, so its PTEs keep their write bits (oracle: on 5.10 an
    /// mprotect to the current protection would otherwise write-protect a private page). False when nothing changes.
    /// </summary>
    private static bool FindChanged(Machine m, AddressSpace mm, ulong start, ulong end, Prot prot)
    {
        var changed = m.MprotectChanged;
        changed.Clear();
        var set = ProtFlags(prot);
        for (var i = mm.FirstVmaEndingAfter(start); i < mm.VmaCount && mm.VmaAt(i).Start < end; i++)
        {
            ref var vma = ref mm.VmaAt(i);
            if ((vma.Flags & (VmaFlags.Read | VmaFlags.Write | VmaFlags.Exec)) == set)
            {
                continue;
            }

            var from = Math.Max(vma.Start, start);
            var to = Math.Min(vma.End, end);
            if (changed.Count > 0 && changed[^1].End == from)
            {
                changed[^1] = (changed[^1].Start, to);
            }
            else
            {
                changed.Add((from, to));
            }
        }

        return changed.Count > 0;
    }

    private static bool Changed(Machine m, ulong va)
    {
        foreach (var (from, to) in m.MprotectChanged)
        {
            if (va >= from && va < to)
            {
                return true;
            }
        }

        return false;
    }

    private static void UpdateVmas(Machine m, AddressSpace mm, ulong start, ulong end, Prot prot)
    {
        mm.SplitAround(start, end, m.PageShift);
        var set = ProtFlags(prot);
        for (var i = mm.FirstVmaEndingAfter(start); i < mm.VmaCount && mm.VmaAt(i).Start < end; i++)
        {
            ref var vma = ref mm.VmaAt(i);
            vma.Flags = (vma.Flags & ~(VmaFlags.Read | VmaFlags.Write | VmaFlags.Exec)) | set;
            i = VmaRules.Merge(m, mm, i, VmaRules.MergeKind.Mprotect);
        }
    }

    private static void ChangeLeaf(Machine m, AddressSpace mm, ref OpCursor c, ref Vma vma, ulong start, ulong stop)
    {
        var t = mm.Leaf(start, create: false);
        if (t < 0)
        {
            return;
        }

        var accessible = vma.IsAccessible;
        for (var va = start; va < stop; va += m.PageSize)
        {
            ref var pte = ref mm.Pte(t, va);
            var old = pte;
            if (!Pte.IsPresent(old) || !Changed(m, va))
            {
                continue;
            }

            var neu = old & ~(Pte.Write | Pte.ProtNone | Pte.NoExec);
            neu |= VmaRules.ProtBits(vma);
            if (!accessible)
            {
                neu = (neu & ~Pte.Write) | Pte.ProtNone; // PAGE_NONE: not present to the CPU
            }
            else if ((neu & Pte.Write) == 0 && TryUpgrade(m, vma, old))
            {
                neu |= Pte.Write;
            }

            c.Flags |= AnyPresent;
            if (m.Policy.MprotectFlush == MprotectFlush.Changed && NeedsFlush(old, neu))
            {
                c.Gather(va, m.PageSize);
            }

            if (neu != old)
            {
                pte = neu;
                var kind = (old & Pte.Write) != 0 && (neu & Pte.Write) == 0 ? PteChangeKind.WriteProtect
                    : (neu & Pte.ProtNone) != 0 ? PteChangeKind.ProtNone : PteChangeKind.Upgrade;
                m.EmitPte(va, old, neu, kind, m.Current.Pid);
            }
        }
    }

    /// <summary>x86 pte_needs_flush: a permission was taken away (write, present, exec).</summary>
    private static bool NeedsFlush(ulong old, ulong neu) =>
        ((old & Pte.Write) != 0 && (neu & Pte.Write) == 0)
        || (Pte.IsCpuPresent(old) && !Pte.IsCpuPresent(neu))
        || ((old & Pte.NoExec) == 0 && (neu & Pte.NoExec) != 0);

    /// <summary>
    /// May a read-only PTE become writable without a fault? Shared: only dirty_accountable VMAs (page_mkwrite
    /// returns before the protection comparison, so ext4 only, WN-3), tested per era. Private: v6.0+ exclusive
    /// anon pages (WN-4).
    /// </summary>
    private static bool TryUpgrade(Machine m, in Vma vma, ulong old)
    {
        if (!vma.Has(VmaFlags.Write) || (old & Pte.UffdWp) != 0)
        {
            return false;
        }

        var softDirty = (old & Pte.SoftDirty) != 0;
        if (vma.Has(VmaFlags.Shared))
        {
            if (vma.Kind != FileKind.Ext4 || (old & Pte.Dirty) == 0)
            {
                return false;
            }

            return m.Policy.MprotectSoftDirtyCheck switch
            {
                MprotectSoftDirtyCheck.None => true,
                // 64e455079e1b as merged: pte_soft_dirty || !(vm_flags & VM_SOFTDIRTY), the inverted VMA test.
                MprotectSoftDirtyCheck.Inverted => softDirty || !vma.Has(VmaFlags.SoftDirty),
                _ => softDirty || !VmaRules.TrackingOn(m, vma), // 76aefad628aa
            };
        }

        if (!m.Policy.MprotectAnonUpgrade || (VmaRules.TrackingOn(m, vma) && !softDirty) || (old & Pte.Special) != 0)
        {
            return false;
        }

        var frame = Pte.Frame(old);
        return m.Frames.Has(frame, FrameFlags.Anon) && m.Frames.Has(frame, FrameFlags.AnonExclusive);
    }
}
