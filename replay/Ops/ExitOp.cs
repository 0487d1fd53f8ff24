using MmReplay.Ingest;
using MmReplay.Replay.Model;

namespace MmReplay.Replay.Ops;

/// <summary>
/// exit (exit_mmap) and exec (exec_mmap: the old mm goes the same way, the pid gets an empty one). The task
/// has already left its mm (lazy TLB), so the teardown's full flush is traced on this CPU as a switch to
/// init_mm (reason 0 [M]) plus the IPIs to the other CPUs of mm_cpumask. One leaf table per step; pages are
/// freed after the flush.
/// </summary>
internal static class ExitOp
{
    public static bool Step(Machine m, ref OpCursor c)
    {
        ref readonly var e = ref c.Event;
        var mm = m.MmOf(e.Pid);
        switch (c.Step)
        {
            case 0:
                c.Step = 1;
                mm.MmapLock = MmapLockState.Write;
                c.Va = 0;
                c.Flags = mm.Leaves.Count; // page tables exist: free_pgtables forces the flush
                DeviceOp.ReleaseMm(m, mm); // exit_mmap: mmu_notifier_release before the zap
                return true;
            case 1:
                if (Walk.NextChunk(m, mm, c.Va, ulong.MaxValue, out _, out var start, out var stop))
                {
                    c.Va = start;
                    Zap.LeafStep(m, mm, ref c, stop);
                    c.Va = stop;
                    return stop != ulong.MaxValue;
                }

                c.Step = 2;
                return true;
            default:
                Teardown(m, mm, ref c);
                if (e.Op == OpCode.Exec)
                {
                    var fresh = m.NewMm();
                    m.Attach(e.Pid, fresh);
                    m.SwitchTo(e.Cpu, fresh);
                }
                else
                {
                    m.Detach(e.Pid);
                }

                return false;
        }
    }

    private static void Teardown(Machine m, AddressSpace mm, ref OpCursor c)
    {
        var cpu = m.Current.Cpu;
        if (c.GatherEnd != 0 || c.Flags != 0)
        {
            // The mm is only lazily loaded here: flush_tlb_func switches this CPU to init_mm; remote CPUs get IPIs.
            m.Tlbs.SetLoaded(cpu, 0);
            m.FlushTlbRange(mm, 0, ulong.MaxValue, FlushScope.Full);
            m.EmitFlush(cpu, TlbFlushReason.TaskSwitch, 0, 1UL << cpu, FlushScope.Full, 0, ulong.MaxValue);
        }

        c.GatherStart = c.GatherEnd = 0;
        m.FinishGather(mm, ref c, fullMm: true);
        mm.ReleaseAll(ref m.Scratch);
        for (var i = 0; i < m.Config.Cpus; i++)
        {
            if (m.Tlbs.Loaded(i) == mm.Id)
            {
                m.Tlbs.SetLoaded(i, 0);
            }
        }

        m.Tlbs.ForgetMm(mm.Id);
        mm.Alive = false;
        mm.MmapLock = MmapLockState.Unlocked;
        m.Bury(mm);
    }
}
