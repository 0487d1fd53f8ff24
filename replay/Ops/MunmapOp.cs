using MmReplay.Replay.Model;

namespace MmReplay.Replay.Ops;

/// <summary>
/// munmap: take mmap_lock for write and detach the VMAs (step 1); zap one leaf table per step under its PT
/// lock; then tlb_finish_mmu flushes the gathered range and only then frees the pages; unlock (last step).
/// </summary>
internal static class MunmapOp
{
    public static bool Step(Machine m, ref OpCursor c)
    {
        ref readonly var e = ref c.Event;
        var mm = m.MmOf(e.Pid);
        var end = e.Addr + e.Len;
        switch (c.Step)
        {
            case 0:
                c.Step = 1;
                mm.MmapLock = MmapLockState.Write;
                Zap.RemoveVmas(m, mm, e.Addr, end);
                Notify.Start(m, mm, e.Addr, end, CallSite.Unmap); // unmap_vmas: MMU_NOTIFY_UNMAP
                c.Va = e.Addr;
                return true;
            case 1:
                if (Zap.LeafStep(m, mm, ref c, end))
                {
                    return true;
                }

                c.Step = 2;
                return true;
            default:
                Notify.End(m, mm, e.Addr, end, CallSite.Unmap); // unmap_vmas ends before tlb_finish_mmu
                m.FinishGather(mm, ref c, fullMm: false);
                mm.MmapLock = MmapLockState.Unlocked;
                return false;
        }
    }
}
