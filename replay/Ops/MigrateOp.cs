using MmReplay.Replay.Model;
using MmReplay.Replay.Policy;

namespace MmReplay.Replay.Ops;

/// <summary>
/// migrate: move each anon page of [addr, addr+len) to a new frame (migrate_pages), one page per step. Every mm
/// mapping the frame at that address (the fork family) gets, per PTE, a notifier range (MMU_NOTIFY_CLEAR), the
/// PTE cleared and flushed (ptep_clear_flush), then the content copied and the PTE re-made on the new frame with
/// its write, dirty, soft-dirty and uffd-wp bits (remove_migration_ptes, SD-5). Present to non-present
/// with a page that cannot be freed before range_end defers the secondary invalidation (MN-2); v4.14 and older
/// also invalidated under the PT lock. Possibly pinned pages are not migrated (the refcount check fails, FK-4);
/// file pages are not modelled here.
/// </summary>
internal static class MigrateOp
{
    public static bool Step(Machine m, ref OpCursor c)
    {
        ref readonly var e = ref c.Event;
        if (c.Step == 0)
        {
            c.Step = 1;
            c.Va = e.Addr & ~(m.PageSize - 1);
        }

        MigratePage(m, m.MmOf(e.Pid), c.Va);
        c.Va += m.PageSize;
        return c.Va < e.Addr + Math.Max(e.Len, 1);
    }

    private static void MigratePage(Machine m, AddressSpace mm, ulong va)
    {
        var pte = mm.ReadPte(va);
        if (!Pte.IsPresent(pte) || (pte & Pte.Special) != 0)
        {
            return;
        }

        var frame = Pte.Frame(pte);
        if (!m.Frames.Has(frame, FrameFlags.Anon) || m.Frames.MaybeDmaPinned(frame))
        {
            return;
        }

        var copy = m.Frames.Allocate(m.Frames.Flags(frame) & ~FrameFlags.InUse, m.Frames.Content(frame));
        m.Frames.WrittenAt(copy) = m.Frames.WrittenAt(frame);
        var moved = 0;
        for (var id = 1; id < m.MmCount; id++)
        {
            var other = m.MmById(id);
            if (other is { Alive: true })
            {
                moved += Remap(m, other, va, frame, copy);
            }
        }

        m.Frames.RefCount(copy) = moved;
        m.Frames.MapCount(copy) = moved;
        m.Frames.MapCount(frame) -= moved;
        for (var i = 0; i < moved; i++)
        {
            m.Frames.Put(frame);
        }
    }

    private static int Remap(Machine m, AddressSpace mm, ulong va, int frame, int copy)
    {
        var t = mm.LeafMapping(va, frame);
        if (t < 0)
        {
            return 0;
        }

        ref var pte = ref mm.Pte(t, va);
        var old = pte;

        var end = va + m.PageSize;
        Notify.Start(m, mm, va, end, CallSite.Migrate);
        pte = Pte.WithFrame(old & ~Pte.Young, copy);
        m.EmitPte(va, old, pte, PteChangeKind.Replace, mm.Pid);
        m.FlushTlbRange(mm, va, end, FlushScope.Page, CallSite.Migrate);
        if (m.Policy.Notifier == NotifierStrategy.Double)
        {
            Notify.UnderPtl(m, mm, va, end, CallSite.Migrate);
        }

        Notify.End(m, mm, va, end, CallSite.Migrate);
        return 1;
    }
}
