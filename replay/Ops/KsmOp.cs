using MmReplay.Replay.Model;
using MmReplay.Replay.Policy;

namespace MmReplay.Replay.Ops;

/// <summary>
/// ksm_merge: ksmd merging the page at (pid, addr) with the page at (with_pid, with_addr), one pair per step.
/// get_mergeable_page finds each page with follow_page, which on a protnone PTE fails in v6.1–v6.4 (no
/// FOLL_FORCE, 474098edac26: the regression NU-2 describes) and follows in the other eras. Pages that are not
/// anon, differ in content, or may be DMA-pinned (write_protect_page's refcount check) are not merged.
/// Otherwise write_protect_page makes the first a read-only, clean KSM page in place (a write-protect: the
/// secondary invalidation may wait for range_end, MN-2; v4.14 and older also invalidated under the PT lock),
/// and replace_page points the second PTE at it (a read-only page for one of identical content, MN-2) and
/// frees the old page. Later writes to either take a COW copy.
/// </summary>
internal static class KsmOp
{
    public static bool Step(Machine m, ref OpCursor c)
    {
        ref readonly var e = ref c.Event;
        if (c.Step == 0)
        {
            c.Step = 1;
            c.Va = e.Addr & ~(m.PageSize - 1);
        }

        var off = c.Va - (e.Addr & ~(m.PageSize - 1));
        var mm = m.MmOf(e.Pid);
        var other = m.MmOf(e.OtherPid);
        MergePair(m, mm, c.Va, other, (e.Value & ~(m.PageSize - 1)) + off);
        c.Va += m.PageSize;
        return c.Va < e.Addr + Math.Max(e.Len, 1);
    }

    private static void MergePair(Machine m, AddressSpace mm, ulong va, AddressSpace other, ulong otherVa)
    {
        if (!Mergeable(m, mm, va, out var frame) || !Mergeable(m, other, otherVa, out var otherFrame)
            || frame == otherFrame || m.Frames.Content(frame) != m.Frames.Content(otherFrame))
        {
            return;
        }

        WriteProtect(m, mm, va);
        WriteProtect(m, other, otherVa);

        // replace_page: the second PTE now maps the KSM page, read-only and clean.
        Notify.Start(m, other, otherVa, otherVa + m.PageSize, CallSite.Ksm);
        var t = other.Leaf(otherVa, create: false);
        ref var pte = ref other.Pte(t, otherVa);
        var old = pte;
        pte = Pte.WithFrame(old & ~(Pte.Write | Pte.Dirty), frame);
        m.EmitPte(otherVa, old, pte, PteChangeKind.Replace, other.Pid);
        m.FlushTlbRange(other, otherVa, otherVa + m.PageSize, FlushScope.Page, CallSite.Ksm);
        if (m.Policy.Notifier == NotifierStrategy.Double)
        {
            Notify.UnderPtl(m, other, otherVa, otherVa + m.PageSize, CallSite.Ksm);
        }

        m.Frames.MapCount(frame)++;
        m.Frames.RefCount(frame)++;
        m.Frames.MapCount(otherFrame)--;
        m.Frames.Put(otherFrame);
        Notify.End(m, other, otherVa, otherVa + m.PageSize, CallSite.Ksm);
        m.Frames.Flags(frame) &= ~FrameFlags.AnonExclusive;
    }

    /// <summary>get_mergeable_page: a present anon page follow_page can reach, not possibly pinned.</summary>
    private static bool Mergeable(Machine m, AddressSpace mm, ulong va, out int frame)
    {
        var pte = mm.ReadPte(va);
        frame = Pte.Frame(pte);
        if (!Pte.IsPresent(pte) || (pte & Pte.Special) != 0 || mm.FindVma(va) < 0)
        {
            return false;
        }

        if ((pte & Pte.ProtNone) != 0 && m.Policy.GupProtnone == GupProtnone.FollForce)
        {
            return false; // follow_page without FOLL_FORCE refuses protnone in v6.1–v6.4
        }

        return m.Frames.Has(frame, FrameFlags.Anon) && !m.Frames.MaybeDmaPinned(frame);
    }

    /// <summary>write_protect_page: clear write and dirty, flushing when the PTE was writable or dirty or a flush is pending.</summary>
    private static void WriteProtect(Machine m, AddressSpace mm, ulong va)
    {
        var t = mm.Leaf(va, create: false);
        ref var pte = ref mm.Pte(t, va);
        var old = pte;
        if ((old & (Pte.Write | Pte.Dirty)) == 0 && mm.TlbFlushPending == 0)
        {
            return;
        }

        Notify.Start(m, mm, va, va + m.PageSize, CallSite.Ksm);
        pte = old & ~(Pte.Write | Pte.Dirty);
        m.EmitPte(va, old, pte, PteChangeKind.WriteProtect, mm.Pid);
        m.FlushTlbRange(mm, va, va + m.PageSize, FlushScope.Page, CallSite.Ksm);
        if (m.Policy.Notifier == NotifierStrategy.Double)
        {
            Notify.UnderPtl(m, mm, va, va + m.PageSize, CallSite.Ksm);
        }

        Notify.End(m, mm, va, va + m.PageSize, CallSite.Ksm);
    }
}
