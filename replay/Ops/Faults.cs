using MmReplay.Replay.Model;
using MmReplay.Replay.Policy;

namespace MmReplay.Replay.Ops;

/// <summary>
/// handle_mm_fault and its branches (do_anonymous_page, do_fault, do_swap_page, do_numa_page, do_wp_page),
/// each under the mmap read lock (or a per-VMA lock, v6.4+) and the leaf table's PT lock: one step.
/// </summary>
internal static class Faults
{
    public const uint ProtBit = 0x1;
    public const uint WriteBit = 0x2;
    public const uint UserBit = 0x4;
    public const uint InstrBit = 0x10;

    /// <summary>
    /// Handle a fault at <paramref name="va"/>. <paramref name="gup"/> marks a fault GUP takes on behalf of a pin
    /// or populate (no hardware fault, no x86 tracepoint); <paramref name="unshare"/> is FAULT_FLAG_UNSHARE.
    /// Returns false when the access gets SIGSEGV.
    /// </summary>
    public static bool Handle(Machine m, AddressSpace mm, ulong va, uint code, bool gup, bool unshare = false)
    {
        va &= ~(m.PageSize - 1);
        var vi = mm.FindVma(va);
        if (vi < 0)
        {
            return Segv(m, va, code, gup); // SEGV_MAPERR
        }

        ref var vma = ref mm.VmaAt(vi);
        var write = (code & WriteBit) != 0;
        if (AccessError(vma, code))
        {
            return Segv(m, va, code, gup); // SEGV_ACCERR
        }

        mm.MmapLock = MmapLockState.Read;
        var t = mm.Leaf(va, create: true);
        ref var pte = ref mm.Pte(t, va);
        var old = pte;
        var marker = (old & Pte.Marker) != 0;
        if (marker)
        {
            pte = old = Pte.None; // handle_pte_marker: a uffd-wp marker faults in like a hole, then keeps or resolves the protection
        }

        FaultResolution how;
        if (old == Pte.None)
        {
            how = vma.IsAnon ? Anonymous(m, mm, ref vma, ref pte, va, write) : FileFault(m, mm, ref vma, ref pte, va, write);
            if (!vma.IsAnon && !write)
            {
                FaultAround.Map(m, mm, vma, t, va);
            }
        }
        else if (Pte.IsSwap(old))
        {
            how = SwapIn(m, mm, ref vma, ref pte, va, write);
        }
        else if ((old & Pte.ProtNone) != 0)
        {
            // NU-1: protnone in an accessible VMA is a NUMA hint; restore the VMA's protection (no migration in part 1).
            pte = (old & ~(Pte.ProtNone | Pte.Write)) | Pte.Young | (vma.ProtWritable ? Pte.Write : 0);
            how = FaultResolution.NumaHint;
            m.EmitPte(va, old, pte, PteChangeKind.Upgrade, m.Current.Pid);
        }
        else if (write && (old & Pte.UffdWp) != 0)
        {
            // A uffd-wp protected page: WP_ASYNC resolves it in the kernel (sync: the handler un-protects); then
            // the usual write-protect handling (reuse or copy) makes it writable.
            pte = old & ~Pte.UffdWp;
            m.EmitPte(va, old, pte, PteChangeKind.Upgrade, m.Current.Pid);
            WriteProtected(m, mm, ref vma, ref pte, va, unshare: false);
            how = FaultResolution.UffdWp;
        }
        else if ((write || unshare) && (old & Pte.Write) == 0)
        {
            how = WriteProtected(m, mm, ref vma, ref pte, va, unshare);
        }
        else
        {
            // Spurious: the PTE already allows the access (a stale TLB entry faulted). pte_mkdirty sets soft-dirty on x86.
            pte = old | Pte.Young | (write ? Pte.Dirty | m.SoftDirtyBit : 0);
            how = FaultResolution.Spurious;
            if (pte != old)
            {
                m.EmitPte(va, old, pte, PteChangeKind.Upgrade, m.Current.Pid);
            }
        }

        if (marker && Pte.IsPresent(pte))
        {
            // The new PTE keeps the marker's protection, reads and writes alike (do_anonymous_page / set_pte_range
            // since 2bad466cc9d9, v6.4), and x86 pte_mkuffd_wp write-protects: a write faults again and is resolved
            // as a uffd-wp fault (oracle: two faults on 6.12).
            pte = (pte | Pte.UffdWp) & ~Pte.Write;
        }

        mm.MmapLock = MmapLockState.Unlocked;
        m.EmitFault(va, code, how, Pte.IsPresent(pte) ? Pte.Frame(pte) : -1, gup);
        return true;
    }

    /// <summary>x86 access_error: writes need VM_WRITE, fetches VM_EXEC, reads with P=1 fail, reads need an accessible VMA.</summary>
    private static bool AccessError(in Vma vma, uint code)
    {
        if ((code & WriteBit) != 0)
        {
            return !vma.Has(VmaFlags.Write);
        }

        if ((code & InstrBit) != 0)
        {
            return !vma.Has(VmaFlags.Exec);
        }

        if ((code & ProtBit) != 0)
        {
            return true;
        }

        return !vma.IsAccessible;
    }

    private static bool Segv(Machine m, ulong va, uint code, bool gup)
    {
        m.EmitFault(va, code, FaultResolution.Segv, -1, gup);
        if (!gup)
        {
            m.EmitSegv(va, code);
        }

        return false;
    }

    /// <summary>do_anonymous_page: a read maps the shared zero page read-only; a write gets a new exclusive page (SD-1).</summary>
    private static FaultResolution Anonymous(Machine m, AddressSpace mm, ref Vma vma, ref ulong pte, ulong va, bool write)
    {
        var prot = VmaRules.ProtBits(vma);
        if (!write)
        {
            pte = Pte.WithFrame(Pte.Present | Pte.Special | (prot & Pte.NoExec), PageFrames.ZeroFrame);
            m.EmitPte(va, Pte.None, pte, PteChangeKind.Install, m.Current.Pid);
            return FaultResolution.ZeroPage;
        }

        var frame = NewAnonPage(m, ref vma, 0);
        pte = Pte.WithFrame(Pte.Present | Pte.Write | Pte.Dirty | Pte.Young | m.SoftDirtyBit | (prot & Pte.NoExec), frame);
        m.EmitPte(va, Pte.None, pte, PteChangeKind.Install, m.Current.Pid);
        return FaultResolution.NewPage;
    }

    /// <summary>A new anon page mapped once and exclusive (FK-4); attaches an anon_vma to the VMA.</summary>
    public static int NewAnonPage(Machine m, ref Vma vma, ulong content)
    {
        var frame = m.Frames.Allocate(FrameFlags.Anon | FrameFlags.AnonExclusive, content);
        m.Frames.RefCount(frame) = 1;
        m.Frames.MapCount(frame) = 1;
        if (vma.AnonVma == 0)
        {
            vma.AnonVma = m.NewAnonVma();
        }

        return frame;
    }

    /// <summary>
    /// do_read_fault / do_cow_fault / do_shared_fault. Reads map the page-cache page with vm_page_prot (writable
    /// only without writenotify, SD-2); private writes copy it; shared writes call page_mkwrite (ext4) and map
    /// it writable, dirty and soft-dirty. Read faults then fault around (<see cref="FaultAround"/>).
    /// </summary>
    private static FaultResolution FileFault(Machine m, AddressSpace mm, ref Vma vma, ref ulong pte, ulong va, bool write)
    {
        var pgoff = vma.PgOffOf(va, m.PageShift);
        var cache = m.PageCacheFrame(vma.FileId, pgoff);
        var special = vma.Kind == FileKind.Device ? Pte.Special : 0;
        var prot = VmaRules.ProtBits(vma);
        if (write && !vma.Has(VmaFlags.Shared))
        {
            var copy = NewAnonPage(m, ref vma, m.Frames.Content(cache));
            pte = Pte.WithFrame(Pte.Present | Pte.Write | Pte.Dirty | Pte.Young | m.SoftDirtyBit | (prot & Pte.NoExec), copy);
            m.EmitPte(va, Pte.None, pte, PteChangeKind.Install, m.Current.Pid);
            return FaultResolution.CowCopy;
        }

        m.Frames.RefCount(cache)++;
        m.Frames.MapCount(cache)++;
        var bits = Pte.Present | Pte.Young | special | prot;
        if (write)
        {
            bits |= Pte.Write | Pte.Dirty | m.SoftDirtyBit; // maybe_mkwrite(pte_mkdirty())
            m.Frames.Flags(cache) |= FrameFlags.PageDirty;
        }

        pte = Pte.WithFrame(bits, cache);
        m.EmitPte(va, Pte.None, pte, PteChangeKind.Install, m.Current.Pid);
        return FaultResolution.FileMap;
    }

    /// <summary>
    /// do_swap_page: a new frame with the swapped content; soft-dirty comes back from the swap entry (SD-5).
    /// Writable only for a write fault on an exclusive entry; otherwise the write continues into do_wp_page.
    /// </summary>
    private static FaultResolution SwapIn(Machine m, AddressSpace mm, ref Vma vma, ref ulong pte, ulong va, bool write)
    {
        var old = pte;
        var slot = Pte.Frame(old);
        var exclusive = m.Policy.CowReuse == CowReuseRule.AnonExclusive
            ? (old & Pte.SwapExclusive) != 0
            : m.Swap.Count(slot) == 1;
        var frame = NewAnonPage(m, ref vma, m.Swap.Content(slot));
        if (!exclusive)
        {
            m.Frames.Flags(frame) &= ~FrameFlags.AnonExclusive;
        }

        m.Swap.Free(slot);
        var bits = Pte.Present | Pte.Young | (VmaRules.ProtBits(vma) & Pte.NoExec)
            | ((old & Pte.SoftDirty) != 0 ? m.SoftDirtyBit : 0) | (old & Pte.UffdWp);
        if (write && exclusive)
        {
            bits |= Pte.Write | Pte.Dirty | m.SoftDirtyBit;
        }

        pte = Pte.WithFrame(bits, frame);
        m.EmitPte(va, old, pte, PteChangeKind.Install, m.Current.Pid);
        if (write && !exclusive)
        {
            WriteProtected(m, mm, ref vma, ref pte, va, unshare: false);
        }

        return FaultResolution.SwapIn;
    }

    /// <summary>
    /// do_wp_page: a write (or unshare) to a present read-only PTE. Shared mappings: writenotify (page_mkwrite
    /// for ext4), reuse in place. Private: reuse per the era's rule (FK-5) or copy (wp_page_copy: the old PTE is
    /// cleared and flushed under the PT lock, MN-1 case B).
    /// </summary>
    public static FaultResolution WriteProtected(Machine m, AddressSpace mm, ref Vma vma, ref ulong pte, ulong va, bool unshare)
    {
        var old = pte;
        var frame = Pte.Frame(old);
        if (vma.Has(VmaFlags.Shared))
        {
            if (!unshare)
            {
                pte = old | Pte.Write | Pte.Dirty | Pte.Young | m.SoftDirtyBit;
                if ((old & Pte.Special) == 0)
                {
                    m.Frames.Flags(frame) |= FrameFlags.PageDirty;
                }

                m.EmitPte(va, old, pte, PteChangeKind.Upgrade, m.Current.Pid);
            }

            return FaultResolution.WriteNotify;
        }

        var normalAnon = (old & Pte.Special) == 0 && m.Frames.Has(frame, FrameFlags.Anon);
        if (normalAnon && CanReuse(m, frame))
        {
            m.Frames.Flags(frame) |= FrameFlags.AnonExclusive;
            if (!unshare)
            {
                pte = old | Pte.Write | Pte.Dirty | Pte.Young | m.SoftDirtyBit; // wp_page_reuse: no flush on x86
                m.EmitPte(va, old, pte, PteChangeKind.Upgrade, m.Current.Pid);
            }

            return unshare ? FaultResolution.Unshare : FaultResolution.Reuse;
        }

        // wp_page_copy: new page with the old content (zeroes for the zero page). MN-1 case B: range_start before
        // the PT lock; ptep_clear_flush_notify under it (v3.19–v6.5) or ptep_clear_flush whose arch flush invalidates
        // secondary TLBs (v6.6+); then range_only_end (v4.15–v6.5) or range_end.
        var end = va + m.PageSize;
        Notify.Start(m, mm, va, end, CallSite.Cow);
        if ((old & Pte.Special) == 0 && !unshare && m.Frames.PinCount(frame) > 0)
        {
            var pin = m.Pins.Find(m.Current.Pid, va);
            if (pin >= 0 && m.Pins.Frame(pin) == frame)
            {
                // The CPU moves to a copy while the device keeps the pinned frame (thread 002).
                m.EmitHazard(HazardKind.PinIncoherence, va, (ulong)frame, ulong.MaxValue);
            }
        }

        var content = (old & Pte.Special) != 0 ? 0 : m.Frames.Content(frame);
        var copy = NewAnonPage(m, ref vma, content);
        var bits = Pte.Present | Pte.Young | (old & (Pte.NoExec | Pte.UffdWp));
        bits |= unshare ? (old & (Pte.SoftDirty | Pte.Dirty)) : Pte.Write | Pte.Dirty | m.SoftDirtyBit;
        pte = Pte.WithFrame(bits, copy);
        m.EmitPte(va, old, pte, PteChangeKind.Replace, m.Current.Pid);
        m.FlushTlbRange(mm, va, end, FlushScope.Page, CallSite.Cow); // ptep_clear_flush
        Notify.UnderPtl(m, mm, va, end, CallSite.Cow);
        if ((old & Pte.Special) == 0)
        {
            m.Frames.MapCount(frame)--;
            m.Frames.Put(frame);
        }

        Notify.End(m, mm, va, end, CallSite.Cow, onlyEnd: true);

        return unshare ? FaultResolution.Unshare : FaultResolution.CowCopy;
    }

    /// <summary>FK-5: may a write fault reuse this anon page in place?</summary>
    private static bool CanReuse(Machine m, int frame) => m.Policy.CowReuse switch
    {
        CowReuseRule.Mapcount => m.Frames.MapCount(frame) == 1,
        CowReuseRule.Refcount => m.Frames.RefCount(frame) == 1,
        _ => m.Frames.Has(frame, FrameFlags.AnonExclusive) || m.Frames.RefCount(frame) == 1,
    };
}
