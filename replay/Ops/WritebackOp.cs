using MmReplay.Replay.Model;
using MmReplay.Replay.Policy;

namespace MmReplay.Replay.Ops;

/// <summary>
/// Writeback of file pages [first, first+nr): page_mkclean write-protects and cleans every PTE mapping each
/// dirty page (ptep_clear_flush: one page flush per PTE changed) and clears PG_dirty. Soft-dirty is untouched.
/// Only filesystems with writeback (ext4); shmem has none. One page per step (its rmap walk).
/// </summary>
internal static class WritebackOp
{
    public static bool Step(Machine m, ref OpCursor c)
    {
        ref readonly var e = ref c.Event;
        if (c.Step == 0)
        {
            c.Step = 1;
            c.Va = e.PgOff;
        }

        var last = e.PgOff + (ulong)Math.Max(e.Count, 1);
        if (c.Va >= last)
        {
            return false;
        }

        var pgoff = c.Va++;
        if (m.TryPageCacheFrame(e.FileId, pgoff, out var frame))
        {
            for (var id = 1; id < m.MmCount; id++)
            {
                var mm = m.MmById(id);
                if (mm is { Alive: true })
                {
                    Clean(m, mm, e.FileId, pgoff, frame);
                }
            }

            m.Frames.Flags(frame) &= ~FrameFlags.PageDirty;
        }

        return c.Va < last;
    }

    private static void Clean(Machine m, AddressSpace mm, int fileId, ulong pgoff, int frame)
    {
        for (var i = 0; i < mm.VmaCount; i++)
        {
            ref var v = ref mm.VmaAt(i);
            var pages = (v.End - v.Start) >> m.PageShift;
            if (v.Kind != FileKind.Ext4 || !v.Has(VmaFlags.Shared) || v.FileId != fileId || pgoff < v.PgOff || pgoff >= v.PgOff + pages)
            {
                continue;
            }

            var va = v.Start + ((pgoff - v.PgOff) << m.PageShift);
            var t = mm.Leaf(va, create: false);
            if (t < 0)
            {
                continue;
            }

            ref var pte = ref mm.Pte(t, va);
            var old = pte;
            if (!Pte.IsPresent(old) || Pte.Frame(old) != frame || (old & (Pte.Write | Pte.Dirty)) == 0)
            {
                continue;
            }

            // page_mkclean_one: a write-protect, so the secondary invalidation may wait for range_end (MN-2); v4.14
            // and older also invalidated under the PT lock (the double notification 0f10851ea475 removed).
            Notify.Start(m, mm, va, va + m.PageSize, CallSite.Writeback);
            pte = old & ~(Pte.Write | Pte.Dirty);
            m.EmitPte(va, old, pte, PteChangeKind.DirtyClear, mm.Pid);
            m.FlushTlbRange(mm, va, va + m.PageSize, FlushScope.Page);
            if (m.Policy.Notifier == NotifierStrategy.Double)
            {
                Notify.UnderPtl(m, mm, va, va + m.PageSize, CallSite.Writeback);
            }

            Notify.End(m, mm, va, va + m.PageSize, CallSite.Writeback);
        }
    }
}
