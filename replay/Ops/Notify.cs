using MmReplay.Ingest;
using MmReplay.Replay.Model;
using MmReplay.Replay.Policy;

namespace MmReplay.Replay.Ops;

/// <summary>
/// The mmu_notifier calls a PTE-changing site makes, per the era's strategy (section 3), delivered to the
/// subscribers of the mm that have the callback: start/end to secondary MMUs with their own page tables (KVM,
/// HMM), invalidate_range / arch_invalidate_secondary_tlbs to devices sharing the CPU page table (ATS/SVA).
/// Each delivered call is one Notifier effect (Device = subscriber) and acts on that subscriber's TLB.
/// </summary>
internal static class Notify
{
    /// <summary>mmu_notifier_invalidate_range_start: own-page-table subscribers zap the range and block refaults.</summary>
    public static void Start(Machine m, AddressSpace mm, ulong start, ulong end, CallSite site)
    {
        if (mm.Subscribers == 0)
        {
            return;
        }

        foreach (var d in m.Devices)
        {
            if (d.MmId == mm.Id && d.OwnPageTable)
            {
                m.EmitNotifier(d.Device, NotifierCallKind.RangeStart, site, start, end);
                Drop(m, d, start, end);
                d.InvalidateDepth++;
            }
        }
    }

    /// <summary>
    /// *_clear_flush_notify under the PT lock (v3.19–v6.5, MN-1 cases A/B): ->invalidate_range for the page. From
    /// v6.6 the caller's ptep_clear_flush does it through the arch flush (MN-0), so nothing here.
    /// </summary>
    public static void UnderPtl(Machine m, AddressSpace mm, ulong start, ulong end, CallSite site)
    {
        if (m.Policy.Notifier is NotifierStrategy.Double or NotifierStrategy.OnlyEnd)
        {
            Invalidate(m, mm, NotifierCallKind.InvalidateRange, start, end, site);
        }
    }

    /// <summary>
    /// mmu_notifier_invalidate_range_end, or range_only_end when <paramref name="onlyEnd"/> (v4.15–v6.5, after a
    /// clear_flush_notify, MN-3). Before v6.6 range_end also calls ->invalidate_range (MN-0); v4.14 and older had
    /// no only_end, so a clear_flush_notify site invalidates twice (3.2).
    /// </summary>
    public static void End(Machine m, AddressSpace mm, ulong start, ulong end, CallSite site, bool onlyEnd = false)
    {
        if (mm.Subscribers == 0)
        {
            return;
        }

        var strategy = m.Policy.Notifier;
        if (strategy == NotifierStrategy.Double || (strategy == NotifierStrategy.OnlyEnd && !onlyEnd))
        {
            Invalidate(m, mm, NotifierCallKind.InvalidateRange, start, end, site);
        }

        foreach (var d in m.Devices)
        {
            if (d.MmId == mm.Id && d.OwnPageTable)
            {
                m.EmitNotifier(d.Device, NotifierCallKind.RangeEnd, site, start, end);
                d.InvalidateDepth--;
            }
        }
    }

    /// <summary>tlb_flush_mmu_tlbonly before v6.6: the mmu_gather flush also calls ->invalidate_range (7.1).</summary>
    public static void GatherFlush(Machine m, AddressSpace mm, ulong start, ulong end, CallSite site)
    {
        if (m.Policy.Notifier is NotifierStrategy.Double or NotifierStrategy.OnlyEnd)
        {
            Invalidate(m, mm, NotifierCallKind.InvalidateRange, start, end, site);
        }
    }

    /// <summary>v6.6+: x86 flush_tlb_mm_range ends with arch_invalidate_secondary_tlbs over the widened range, unconditionally (MN-0, MN-5).</summary>
    public static void ArchFlush(Machine m, AddressSpace mm, ulong start, ulong end, CallSite site)
    {
        if (m.Policy.Notifier == NotifierStrategy.TlbHook)
        {
            Invalidate(m, mm, NotifierCallKind.ArchInvalidateSecondaryTlbs, start, end, site);
        }
    }

    /// <summary>The call site a flush or notifier of the current op reports (the COW path names its own).</summary>
    public static CallSite SiteOf(OpCode op) => op switch
    {
        OpCode.Munmap or OpCode.Mmap => CallSite.Unmap,
        OpCode.Mprotect => CallSite.Mprotect,
        OpCode.Madvise => CallSite.Madvise,
        OpCode.Mremap => CallSite.Mremap,
        OpCode.Fork => CallSite.Fork,
        OpCode.Exit or OpCode.Exec => CallSite.Exit,
        OpCode.ClearRefs => CallSite.ClearRefs,
        OpCode.SwapOut => CallSite.SwapOut,
        OpCode.Writeback => CallSite.Writeback,
        OpCode.WpRange or OpCode.CleanRange => CallSite.DirtyHelper,
        OpCode.NumaHint => CallSite.NumaHint,
        OpCode.Migrate => CallSite.Migrate,
        OpCode.KsmMerge => CallSite.Ksm,
        OpCode.UffdWp or OpCode.PagemapScan => CallSite.UffdWp,
        _ => CallSite.Fault,
    };

    private static void Invalidate(Machine m, AddressSpace mm, NotifierCallKind call, ulong start, ulong end, CallSite site)
    {
        if (mm.Subscribers == 0)
        {
            return;
        }

        foreach (var d in m.Devices)
        {
            if (d.MmId == mm.Id && !d.OwnPageTable)
            {
                m.EmitNotifier(d.Device, call, site, start, end);
                Drop(m, d, start, end);
            }
        }
    }

    private static void Drop(Machine m, SecondaryTlb d, ulong start, ulong end)
    {
        var last = end == ulong.MaxValue ? ulong.MaxValue : (end + m.PageSize - 1) >> m.PageShift;
        d.Invalidate(start >> m.PageShift, last);
    }
}
