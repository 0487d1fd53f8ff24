using MmReplay.Replay.Model;

namespace MmReplay.Replay.Ops;

/// <summary>
/// mremap to a new address (MREMAP_MAYMOVE|MREMAP_FIXED), all under mmap_lock for write: unmap the
/// destination, copy_vma (merging into a neighbour, whose flags survive before v6.19, SD-7), move the PTEs
/// marking each soft-dirty (SD-4), flush the old range, drop the old VMA. <c>to == addr</c> resizes in place.
/// </summary>
internal static class MremapOp
{
    public static bool Step(Machine m, ref OpCursor c)
    {
        ref readonly var e = ref c.Event;
        var mm = m.MmOf(e.Pid);
        var oldStart = e.Addr;
        var oldLen = e.Len;
        var newLen = e.PgOff != 0 ? e.PgOff : oldLen; // TraceEvent.PgOff carries new_len
        var to = e.Value; // TraceEvent.Value carries to
        var vi = mm.FindVma(oldStart);
        if (vi < 0 || mm.VmaAt(vi).End < oldStart + oldLen)
        {
            return false; // -EFAULT: the old range must lie in one VMA
        }

        mm.MmapLock = MmapLockState.Write;
        if (to == oldStart)
        {
            Resize(m, mm, ref c, vi, oldStart, oldLen, newLen);
        }
        else
        {
            Move(m, mm, ref c, oldStart, oldLen, to, newLen);
        }

        mm.MmapLock = MmapLockState.Unlocked;
        return false;
    }

    private static void Resize(Machine m, AddressSpace mm, ref OpCursor c, int vi, ulong start, ulong oldLen, ulong newLen)
    {
        if (newLen < oldLen)
        {
            Zap.RemoveVmas(m, mm, start + newLen, start + oldLen);
            Zap.Range(m, mm, ref c, start + newLen, start + oldLen);
            m.FinishGather(mm, ref c, fullMm: false);
            return;
        }

        ref var vma = ref mm.VmaAt(vi);
        var next = vi + 1 < mm.VmaCount ? mm.VmaAt(vi + 1).Start : ulong.MaxValue;
        if (vma.End == start + oldLen && start + newLen <= next)
        {
            vma.End = start + newLen; // vma_expand in place [M: VM_SOFTDIRTY not set here]
        }
    }

    private static void Move(Machine m, AddressSpace mm, ref OpCursor c, ulong oldStart, ulong oldLen, ulong to, ulong newLen)
    {
        // MREMAP_FIXED: whatever was at the destination goes first.
        Zap.RemoveVmas(m, mm, to, to + newLen);
        Zap.Range(m, mm, ref c, to, to + newLen);
        m.FinishGather(mm, ref c, fullMm: false);

        mm.SplitAround(oldStart, oldStart + oldLen, m.PageShift);
        var src = mm.VmaAt(mm.FindVma(oldStart));
        var moved = src;
        moved.Start = to;
        moved.End = to + Math.Min(oldLen, newLen);
        moved.PgOff = src.PgOff + ((oldStart - src.Start) >> m.PageShift);
        if (moved.IsAnon && moved.AnonVma == 0)
        {
            moved.PgOff = to >> m.PageShift; // copy_vma: a never-faulted anon VMA takes the new location's pgoff
        }
        var ni = mm.FirstVmaEndingAfter(to);
        mm.InsertVma(ni, moved);
        ni = VmaRules.Merge(m, mm, ni, VmaRules.MergeKind.Mremap);

        // move_page_tables: PTEs keep their frames and gain soft-dirty (SD-4).
        var anyPresent = false;
        var span = Math.Min(oldLen, newLen);
        Notify.Start(m, mm, oldStart, oldStart + span, CallSite.Mremap); // move_page_tables: MMU_NOTIFY_UNMAP on the old range
        for (ulong off = 0; off < span; off += m.PageSize)
        {
            var ot = mm.Leaf(oldStart + off, create: false);
            if (ot < 0)
            {
                continue;
            }

            ref var from = ref mm.Pte(ot, oldStart + off);
            var pte = from;
            if (pte == Pte.None)
            {
                continue;
            }

            from = Pte.None;
            anyPresent |= Pte.IsPresent(pte);
            var nt = mm.Leaf(to + off, create: true);
            var moved_ = pte | m.SoftDirtyBit;
            mm.Pte(nt, to + off) = moved_;
            m.EmitPte(oldStart + off, pte, Pte.None, PteChangeKind.Move, m.Current.Pid);
            m.EmitPte(to + off, Pte.None, moved_, PteChangeKind.Move, m.Current.Pid);
        }

        if (anyPresent)
        {
            m.FlushTlbRange(mm, oldStart, oldStart + span, FlushScope.Range);
        }

        Notify.End(m, mm, oldStart, oldStart + span, CallSite.Mremap);

        // The old VMA goes (its PTEs moved, nothing left to zap); a shrink drops the tail.
        Zap.RemoveVmas(m, mm, oldStart, oldStart + oldLen);
        if (oldLen > newLen)
        {
            Zap.Range(m, mm, ref c, oldStart + newLen, oldStart + oldLen);
            m.FinishGather(mm, ref c, fullMm: false);
        }

        if (newLen > oldLen)
        {
            ref var grown = ref mm.VmaAt(mm.FindVma(to));
            var next = mm.FindVma(to) + 1 < mm.VmaCount ? mm.VmaAt(mm.FindVma(to) + 1).Start : ulong.MaxValue;
            grown.End = Math.Max(grown.End, Math.Min(to + newLen, next));
        }
    }
}
