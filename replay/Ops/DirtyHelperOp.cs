using MmReplay.Ingest;
using MmReplay.Replay.Model;

namespace MmReplay.Replay.Ops;

/// <summary>
/// mm/mapping_dirty_helpers.c on the shared file range [first, first+nr): wp_range (wp_shared_mapping_range,
/// DH-2) write-protects every writable PTE; clean_range (clean_record_shared_mapping_range, DH-3) clears every
/// hardware-dirty PTE and records it (a CleanBit observation per present PTE walked: Value 1 = recorded dirty,
/// Aux = frame). One VMA per step, every mm mapping the file (i_mmap, no mmap_lock), VMAs filtered by DH-1.
/// Per VMA (DH-4): notifier range_start over the clipped range and inc_tlb_flush_pending; the PTE changes under
/// each PT lock with no flush; then one flush: the whole range when another deferred flusher is active
/// (mm_tlb_flush_nested), else [min, max) of the PTEs changed; range_end; dec_tlb_flush_pending.
/// </summary>
internal static class DirtyHelperOp
{
    public static bool Step(Machine m, ref OpCursor c)
    {
        ref readonly var e = ref c.Event;
        // c.OtherMm walks mm ids, c.Counter the VMA index inside it.
        if (c.Step == 0)
        {
            c.Step = 1;
            c.OtherMm = 1;
            c.Counter = 0;
        }

        var last = e.PgOff + (ulong)Math.Max(e.Count, 1);
        for (; c.OtherMm < m.MmCount; c.OtherMm++, c.Counter = 0)
        {
            var mm = m.MmById(c.OtherMm);
            if (mm is not { Alive: true })
            {
                continue;
            }

            while (c.Counter < mm.VmaCount)
            {
                ref var vma = ref mm.VmaAt(c.Counter++);
                if (Selected(m, vma, e.FileId, e.PgOff, last, out var start, out var end))
                {
                    Vma(m, mm, vma, start, end, e.Op == OpCode.CleanRange);
                    return true;
                }
            }
        }

        return false;
    }

    /// <summary>DH-1: shared, may-write, not hugetlb, mapping the file; [start, end) the part of the VMA inside the pgoff range.</summary>
    private static bool Selected(Machine m, in Vma vma, int fileId, ulong first, ulong last, out ulong start, out ulong end)
    {
        start = end = 0;
        if (vma.IsAnon || vma.FileId != fileId || !vma.Has(VmaFlags.Shared) || !vma.Has(VmaFlags.MayWrite) || vma.Has(VmaFlags.HugeTlb))
        {
            return false;
        }

        var vmaLast = vma.PgOff + ((vma.End - vma.Start) >> m.PageShift);
        var from = Math.Max(first, vma.PgOff);
        var to = Math.Min(last, vmaLast);
        if (from >= to)
        {
            return false;
        }

        start = vma.Start + ((from - vma.PgOff) << m.PageShift);
        end = vma.Start + ((to - vma.PgOff) << m.PageShift);
        return true;
    }

    private static void Vma(Machine m, AddressSpace mm, in Vma vma, ulong start, ulong end, bool clean)
    {
        Notify.Start(m, mm, start, end, CallSite.DirtyHelper); // MMU_NOTIFY_PROTECTION_PAGE
        mm.TlbFlushPending++;
        ulong min = ulong.MaxValue, max = 0;
        for (var va = start; va < end; va += m.PageSize)
        {
            var t = mm.Leaf(va, create: false);
            if (t < 0)
            {
                continue;
            }

            ref var pte = ref mm.Pte(t, va);
            var old = pte;
            if (!Pte.IsPresent(old) || Pte.IsSwap(old))
            {
                continue;
            }

            var bit = clean ? Pte.Dirty : Pte.Write;
            if (clean)
            {
                m.EmitObservation(ObservationKind.CleanBit, va, (old & Pte.Dirty) != 0 ? 1UL : 0, (ulong)Pte.Frame(old));
            }

            if ((old & bit) == 0)
            {
                continue;
            }

            pte = old & ~bit;
            m.EmitPte(va, old, pte, clean ? PteChangeKind.DirtyClear : PteChangeKind.WriteProtect, mm.Pid);
            min = Math.Min(min, va);
            max = Math.Max(max, va + m.PageSize);
        }

        if (mm.TlbFlushPending > 1)
        {
            m.FlushTlbRange(mm, start, end, FlushScope.Range); // mm_tlb_flush_nested: the whole range
        }
        else if (max != 0)
        {
            m.FlushTlbRange(mm, min, max, FlushScope.Range);
        }

        Notify.End(m, mm, start, end, CallSite.DirtyHelper);
        mm.TlbFlushPending--;
    }
}
