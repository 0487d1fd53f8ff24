using MmReplay.Ingest;
using MmReplay.Replay.Model;
using MmReplay.Replay.Policy;

namespace MmReplay.Replay.Ops;

/// <summary>
/// pin_user_pages (FOLL_PIN) and unpin, minimally: GUP faults a page in as needed (a write fault for a write
/// pin that cannot write yet, breaking COW; from v5.19 an unshare fault for a read pin of a shared anon page,
/// FK-5b), then pins the frame mapped now: pincount + 1, refcount + 1024 (FK-1), and the mm gets
/// MMF_HAS_PINNED. unpin drops the pins this pid holds in the range. One page per step. DMA is part 2.
/// </summary>
internal static class PinOp
{
    public static bool Step(Machine m, ref OpCursor c)
    {
        ref readonly var e = ref c.Event;
        var mm = m.MmOf(e.Pid);
        var end = e.Addr + Math.Max(e.Len, 1);
        if (e.Op == OpCode.Unpin)
        {
            Unpin(m, e.Pid, e.Addr & ~(m.PageSize - 1), end);
            return false;
        }

        if (c.Step == 0)
        {
            c.Step = 1;
            c.Va = e.Addr & ~(m.PageSize - 1);
        }

        if (!PinPage(m, mm, c.Va, e.PinFlags, e.Pid))
        {
            return false; // -EFAULT: GUP stops at the first page it cannot get
        }

        c.Va += m.PageSize;
        return c.Va < end;
    }

    private static bool PinPage(Machine m, AddressSpace mm, ulong va, PinFlags flags, int pid)
    {
        var write = (flags & PinFlags.Write) != 0;
        var vi = mm.FindVma(va);
        if (vi >= 0 && write && (flags & PinFlags.LongTerm) != 0 && m.Policy.LongtermSharedFileRefused
            && mm.VmaAt(vi).Has(VmaFlags.Shared) && mm.VmaAt(vi).Kind == FileKind.Ext4)
        {
            return false; // check_vma_flags: vma_needs_dirty_tracking (shmem and hugetlbfs are exempt)
        }

        for (var attempt = 0; attempt < 3; attempt++)
        {
            var pte = mm.ReadPte(va);
            if (!Pte.IsCpuPresent(pte) && !(Pte.IsPresent(pte) && !write && FollowsProtnone(m, mm, va, flags)))
            {
                if (!Faults.Handle(m, mm, va, write ? Faults.WriteBit : 0, gup: true))
                {
                    return false;
                }

                continue;
            }

            var frame = Pte.Frame(pte);
            if (write && (pte & Pte.Write) == 0)
            {
                if (!Faults.Handle(m, mm, va, Faults.WriteBit, gup: true))
                {
                    return false;
                }

                continue;
            }

            var special = (pte & Pte.Special) != 0;
            if (!write && !special && m.Policy.CowReuse == CowReuseRule.AnonExclusive
                && m.Frames.Has(frame, FrameFlags.Anon) && !m.Frames.Has(frame, FrameFlags.AnonExclusive))
            {
                vi = mm.FindVma(va);
                var t = mm.Leaf(va, create: false);
                var how = Faults.WriteProtected(m, mm, ref mm.VmaAt(vi), ref mm.Pte(t, va), va, unshare: true);
                m.EmitFault(va, 0, how, Pte.Frame(mm.ReadPte(va)), gup: true);
                continue;
            }

            if (!special)
            {
                m.Frames.PinCount(frame)++;
                m.Frames.RefCount(frame) += PageFrames.PinBias;
            }

            mm.HasPinned = true;
            m.Pins.Add(pid, va, frame);
            return true;
        }

        return false;
    }

    /// <summary>
    /// gup_can_follow_protnone by era (NU-2): a PROT_NONE VMA is followed (FOLL_FORCE got past the VMA check);
    /// a NUMA hint in an accessible VMA is followed with FOLL_FORCE up to v6.4 (FOLL_NUMA unless FOLL_FORCE,
    /// then 474098edac26), and never by external GUP from v6.5 (d74943a2f3cd sets FOLL_HONOR_NUMA_FAULT).
    /// Not followed means faulted in: handle_mm_fault takes the NUMA hinting fault.
    /// </summary>
    public static bool FollowsProtnone(Machine m, AddressSpace mm, ulong va, PinFlags flags)
    {
        var vi = mm.FindVma(va);
        if (vi < 0 || !mm.VmaAt(vi).IsAccessible)
        {
            return true;
        }

        return m.Policy.GupProtnone != GupProtnone.HonorNumaFault && (flags & PinFlags.Force) != 0;
    }

    private static void Unpin(Machine m, int pid, ulong start, ulong end)
    {
        for (var i = m.Pins.Count - 1; i >= 0; i--)
        {
            if (m.Pins.Pid(i) != pid || m.Pins.Va(i) < start || m.Pins.Va(i) >= end)
            {
                continue;
            }

            var frame = m.Pins.Frame(i);
            m.Pins.RemoveAt(i);
            if (frame == PageFrames.ZeroFrame)
            {
                continue;
            }

            m.Frames.PinCount(frame)--;
            m.Frames.RefCount(frame) -= PageFrames.PinBias - 1;
            m.Frames.Put(frame); // the last reference may be the pin's
        }
    }
}
