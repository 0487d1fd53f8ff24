using MmReplay.Replay.Model;

namespace MmReplay.Replay.Ops;

/// <summary>
/// Reading /proc/PID/pagemap (section 2; SD-9..SD-12, PM-1/2): one 64-bit entry per page under mmap_lock for
/// read. The PFN field carries the model's frame number so traces can compare frame sharing.
/// </summary>
internal static class PagemapOp
{
    public const ulong Present = 1UL << 63;
    public const ulong Swapped = 1UL << 62;
    public const ulong FileOrShared = 1UL << 61;
    public const ulong UffdWp = 1UL << 57;
    public const ulong Exclusive = 1UL << 56;
    public const ulong SoftDirty = 1UL << 55;
    public const ulong PfnMask = (1UL << 55) - 1;

    public static bool Step(Machine m, ref OpCursor c)
    {
        ref readonly var e = ref c.Event;
        var mm = m.MmOf(e.Pid);
        if (c.Step == 0)
        {
            c.Step = 1;
            c.Va = e.Addr & ~(m.PageSize - 1);
        }

        var end = e.Addr + Math.Max(e.Len, 1);
        var stop = Math.Min(end, Zap.LeafEnd(m, c.Va)); // one PT lock per step
        for (; c.Va < stop; c.Va += m.PageSize)
        {
            var entry = Entry(m, mm, c.Va, out var frame);
            m.EmitObservation(ObservationKind.Pagemap, c.Va, entry, (ulong)(long)frame);
        }

        return c.Va < end;
    }

    public static ulong Entry(Machine m, AddressSpace mm, ulong va, out int frame)
    {
        frame = -1;
        var vi = mm.FindVma(va);
        if (vi < 0)
        {
            return 0; // SD-12: outside every VMA, all zero
        }

        ref var vma = ref mm.VmaAt(vi);
        var vmaSoftDirty = m.Policy.SoftDirty && vma.Has(VmaFlags.SoftDirty);
        var pte = mm.ReadPte(va);
        if (pte == Pte.None)
        {
            return vmaSoftDirty && m.Policy.PagemapHoleSoftDirty ? SoftDirty : 0; // SD-11
        }

        ulong bits = 0;
        if (vmaSoftDirty || (m.Policy.SoftDirty && (pte & Pte.SoftDirty) != 0))
        {
            bits |= SoftDirty; // SD-9, SD-10
        }

        if ((pte & Pte.UffdWp) != 0)
        {
            bits |= UffdWp;
        }

        if (Pte.IsSwap(pte))
        {
            return bits | Swapped | ((ulong)(uint)Pte.Frame(pte) << 5);
        }

        frame = Pte.Frame(pte);
        bits |= Present | ((ulong)(uint)frame & PfnMask);
        if ((pte & Pte.Special) == 0)
        {
            if (!m.Frames.Has(frame, FrameFlags.Anon))
            {
                bits |= FileOrShared; // PM-1
            }

            if (m.Policy.PagemapExclusiveBit && m.Frames.MapCount(frame) == 1)
            {
                bits |= Exclusive; // PM_MMAP_EXCLUSIVE: mapped once (v4.2)
            }
        }

        return bits;
    }
}
