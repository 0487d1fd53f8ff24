using MmReplay.Ingest;
using MmReplay.Replay.Model;

namespace MmReplay.Replay.Ops;

/// <summary>
/// madvise. DONTNEED zaps the range (mmap_lock for read, one leaf table per step, flush then free). DONTFORK /
/// DOFORK / WIPEONFORK change VMA flags under the write lock (split, then merge). PAGEOUT reclaims the private
/// anon pages mapped only here (as swap_out). MERGEABLE/HUGEPAGE/NOHUGEPAGE change nothing part 1 models.
/// </summary>
internal static class MadviseOp
{
    public static bool Step(Machine m, ref OpCursor c)
    {
        ref readonly var e = ref c.Event;
        var mm = m.MmOf(e.Pid);
        var end = e.Addr + e.Len;
        switch (e.Advice)
        {
            case Advice.DontNeed:
                return DontNeed(m, mm, ref c, end);
            case Advice.DontFork:
                SetFlag(m, mm, e.Addr, end, VmaFlags.DontCopy, set: true);
                return false;
            case Advice.DoFork:
                SetFlag(m, mm, e.Addr, end, VmaFlags.DontCopy, set: false);
                return false;
            case Advice.WipeOnFork:
                SetFlag(m, mm, e.Addr, end, VmaFlags.WipeOnFork, set: true);
                return false;
            case Advice.PageOut:
                return ReclaimOp.Step(m, ref c, onlyExclusive: true);
            default:
                return false;
        }
    }

    private static bool DontNeed(Machine m, AddressSpace mm, ref OpCursor c, ulong end)
    {
        ref readonly var e = ref c.Event;
        switch (c.Step)
        {
            case 0:
                c.Step = 1;
                mm.MmapLock = MmapLockState.Read;
                Notify.Start(m, mm, e.Addr, end, CallSite.Madvise); // zap_page_range: MMU_NOTIFY_CLEAR
                c.Va = e.Addr;
                return true;
            case 1:
                if (Walk.NextChunk(m, mm, c.Va, end, out _, out var start, out var stop))
                {
                    c.Va = start;
                    Zap.LeafStep(m, mm, ref c, stop);
                    c.Va = stop;
                    return true;
                }

                c.Step = 2;
                return true;
            default:
                Notify.End(m, mm, e.Addr, end, CallSite.Madvise);
                m.FinishGather(mm, ref c, fullMm: false);
                mm.MmapLock = MmapLockState.Unlocked;
                return false;
        }
    }

    /// <summary>madvise_update_vma: split, set or clear the flag (WIPEONFORK only on private anon), merge.</summary>
    private static void SetFlag(Machine m, AddressSpace mm, ulong start, ulong end, VmaFlags flag, bool set)
    {
        mm.MmapLock = MmapLockState.Write;
        mm.SplitAround(start, end, m.PageShift);
        for (var i = mm.FirstVmaEndingAfter(start); i < mm.VmaCount && mm.VmaAt(i).Start < end; i++)
        {
            ref var vma = ref mm.VmaAt(i);
            if (flag == VmaFlags.WipeOnFork && !(vma.IsAnon && !vma.Has(VmaFlags.Shared)))
            {
                continue; // -EINVAL in the kernel
            }

            vma.Flags = set ? vma.Flags | flag : vma.Flags & ~flag;
            i = VmaRules.Merge(m, mm, i, VmaRules.MergeKind.Mprotect);
        }

        mm.MmapLock = MmapLockState.Unlocked;
    }
}
