using MmReplay.Replay.Model;
using MmReplay.Replay.Policy;

namespace MmReplay.Replay.Ops;

/// <summary>
/// fork (dup_mmap + copy_page_range). Step 1, parent mmap_lock for write: the child mm gets every VMA except
/// VM_DONTCOPY ones; VM_WIPEONFORK ones come empty (FK-6). Then one parent leaf table per step: PTEs of VMAs
/// with an anon_vma (or PFN maps) are copied; anon pages are shared write-protected on both sides (FK-3) or,
/// when possibly pinned, copied for the child at once (FK-2, v5.9+). Last step: flush_tlb_mm(parent), unlock.
/// </summary>
internal static class ForkOp
{
    public static bool Step(Machine m, ref OpCursor c)
    {
        ref readonly var e = ref c.Event;
        var parent = m.MmOf(e.Pid);
        switch (c.Step)
        {
            case 0:
            {
                c.Step = 1;
                parent.MmapLock = MmapLockState.Write;
                var child = m.NewMm();
                var anonOffset = m.NewAnonVma() << 16; // the child's anon_vmas are new ones (anon_vma_fork)
                for (var i = 0; i < parent.VmaCount; i++)
                {
                    var vma = parent.VmaAt(i);
                    if (vma.Has(VmaFlags.DontCopy))
                    {
                        continue;
                    }

                    vma.AnonVma = vma.Has(VmaFlags.WipeOnFork) || vma.AnonVma == 0 ? 0 : vma.AnonVma + anonOffset;
                    vma.Flags &= ~VmaFlags.UffdWp; // kept only with UFFD_FEATURE_EVENT_FORK (part 2)
                    child.InsertVma(child.VmaCount, vma);
                }

                m.Attach(e.OtherPid, child);
                c.OtherMm = child.Id;
                c.Va = 0;
                return true;
            }

            case 1:
                if (Walk.NextChunk(m, parent, c.Va, ulong.MaxValue, out var vi, out var start, out var stop))
                {
                    ref var vma = ref parent.VmaAt(vi);
                    if (NeedsCopy(vma))
                    {
                        // copy_page_range: a COW mapping is write-protected in the parent inside a notifier range
                        // over the VMA (MMU_NOTIFY_PROTECTION_PAGE), which defers the invalidation (MN-2).
                        var cow = vma.IsCow;
                        if (cow && start == vma.Start)
                        {
                            Notify.Start(m, parent, vma.Start, vma.End, CallSite.Fork);
                        }

                        CopyLeaf(m, parent, m.MmById(c.OtherMm)!, ref vma, start, stop, e.OtherPid);
                        if (cow && stop == vma.End)
                        {
                            Notify.End(m, parent, vma.Start, vma.End, CallSite.Fork);
                        }
                    }

                    c.Va = stop;
                    return stop != ulong.MaxValue;
                }

                c.Step = 2;
                return true;
            default:
                m.FlushTlbRange(parent, 0, ulong.MaxValue, FlushScope.Full); // dup_mmap: flush_tlb_mm(oldmm)
                parent.MmapLock = MmapLockState.Unlocked;
                return false;
        }
    }

    /// <summary>vma_needs_copy: faults will fill the rest; wiped and not-copied VMAs have nothing to copy.</summary>
    private static bool NeedsCopy(in Vma vma) =>
        !vma.Has(VmaFlags.DontCopy) && !vma.Has(VmaFlags.WipeOnFork)
        && (vma.AnonVma != 0 || vma.Has(VmaFlags.PfnMap) || vma.Has(VmaFlags.UffdWp));

    private static void CopyLeaf(Machine m, AddressSpace parent, AddressSpace child, ref Vma vma, ulong start, ulong stop, int childPid)
    {
        var pt = parent.Leaf(start, create: false);
        if (pt < 0)
        {
            return;
        }

        var ct = child.Leaf(start, create: true);
        var cvi = child.FindVma(start);
        for (var va = start; va < stop; va += m.PageSize)
        {
            ref var src = ref parent.Pte(pt, va);
            var old = src;
            if (old == Pte.None)
            {
                continue;
            }

            if ((old & Pte.Marker) != 0)
            {
                continue; // uffd-wp markers go to the child only with UFFD_FEATURE_EVENT_FORK
            }

            ref var dst = ref child.Pte(ct, va);
            if (Pte.IsSwap(old))
            {
                m.Swap.Dup(Pte.Frame(old));
                src = old & ~Pte.SwapExclusive; // 5.19+: no longer exclusive
                dst = old & ~(Pte.SwapExclusive | Pte.UffdWp);
                continue;
            }

            var frame = Pte.Frame(old);
            var normal = (old & Pte.Special) == 0;
            if (normal && vma.IsCow && m.Frames.Has(frame, FrameFlags.Anon) && CopyNow(m, parent, frame))
            {
                // copy_present_page: the child gets its own copy now; the parent is left as it was.
                var copy = Faults.NewAnonPage(m, ref child.VmaAt(cvi), m.Frames.Content(frame));
                dst = Pte.WithFrame(Pte.Present | Pte.Dirty | m.SoftDirtyBit | (vma.Has(VmaFlags.Write) ? Pte.Write : 0) | (old & Pte.NoExec), copy);
                m.EmitPte(va, Pte.None, dst, PteChangeKind.Install, childPid);
                continue;
            }

            var child_ = old & ~(Pte.Young | Pte.UffdWp); // pte_mkold; uffd-wp dropped without EVENT_FORK
            if (normal)
            {
                m.Frames.MapCount(frame)++;
                m.Frames.RefCount(frame)++;
                m.Frames.Flags(frame) &= ~FrameFlags.AnonExclusive; // page_try_dup_anon_rmap
            }

            if (vma.IsCow && (old & Pte.Write) != 0)
            {
                src = old & ~Pte.Write; // ptep_set_wrprotect in the parent
                child_ &= ~Pte.Write;
                m.EmitPte(va, old, src, PteChangeKind.WriteProtect, m.Current.Pid);
            }

            if (vma.Has(VmaFlags.Shared))
            {
                child_ &= ~Pte.Dirty; // pte_mkclean
            }

            dst = child_;
            m.EmitPte(va, Pte.None, dst, PteChangeKind.Install, childPid);
        }
    }

    /// <summary>FK-2: copy at fork when the mm has pinned and the page may be pinned (v5.19+: and is exclusive).</summary>
    private static bool CopyNow(Machine m, AddressSpace parent, int frame) =>
        m.Policy.ForkPinned == ForkPinnedRule.Copy
        && parent.HasPinned
        && m.Frames.MaybeDmaPinned(frame)
        && (m.Policy.CowReuse != CowReuseRule.AnonExclusive || m.Frames.Has(frame, FrameFlags.AnonExclusive));
}
