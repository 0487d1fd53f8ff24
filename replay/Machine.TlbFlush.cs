using System.Numerics;
using MmReplay.Ingest;
using MmReplay.Replay.Model;
using MmReplay.Replay.Ops;

namespace MmReplay.Replay;

/// <summary>The x86 TLB flush primitives (flush_tlb_mm_range, the batched reclaim flush, mmu_gather's finish).</summary>
public sealed partial class Machine
{
    /// <summary>
    /// flush_tlb_mm_range on the current CPU: widen past the ceiling (TL-1), bump tlb_gen, IPI the other CPUs of
    /// mm_cpumask (reason 4 on the initiator, 1 on each remote CPU running the mm), flush locally (reason 3).
    /// CPUs in the mask not running the mm flush when they switch back (their ASID is behind).
    /// </summary>
    internal void FlushTlbRange(AddressSpace mm, ulong start, ulong end, FlushScope scope, CallSite site = CallSite.Unknown)
    {
        long pages;
        var (requestedStart, requestedEnd) = (start, end);
        if (scope == FlushScope.Full || ((end - start) >> PageShift) > (ulong)Config.FlushCeiling)
        {
            start = 0;
            end = ulong.MaxValue;
            pages = -1;
        }
        else
        {
            pages = (long)((end - start) >> PageShift);
        }

        mm.TlbGen++;
        var cpu = Current.Cpu;
        var others = mm.CpuMask & ~(1UL << cpu);
        if (others != 0)
        {
            EmitFlush(cpu, TlbFlushReason.RemoteSendIpi, pages, mm.CpuMask, scope, start, end);
            var trim = ShouldTrimCpumask(mm);
            for (var rest = others; rest != 0; rest &= rest - 1)
            {
                var r = BitOperations.TrailingZeroCount(rest);
                if (Tlbs.Loaded(r) == mm.Id)
                {
                    InvalidateOn(r, mm, start, end, pages);
                    EmitFlush(r, TlbFlushReason.RemoteShootdown, pages, 1UL << r, scope, start, end);
                }
                else if (trim)
                {
                    // flush_tlb_func on a CPU that left the mm: clear its bit, log reason 5 with pages 0.
                    mm.CpuMask &= ~(1UL << r);
                    EmitFlush(r, TlbFlushReason.RemoteWrongCpu, 0, 1UL << r, scope, start, end);
                }
            }
        }

        if (Tlbs.Loaded(cpu) == mm.Id)
        {
            InvalidateOn(cpu, mm, start, end, pages);
            EmitFlush(cpu, TlbFlushReason.LocalMmShootdown, pages, 1UL << cpu, scope, start, end);
        }

        if (!Policy.SecondaryRangeWidened)
        {
            (start, end) = (requestedStart, requestedEnd);
        }

        Notify.ArchFlush(this, mm, start, end, site == CallSite.Unknown ? Notify.SiteOf(Current.Op) : site);
    }

    /// <summary>
    /// arch_tlbbatch_flush after batched reclaim unmaps (TTU_BATCH_FLUSH): a full flush with no mm, traced
    /// as "local shootdown" (reason 2) on the initiator and "remote shootdown" on the others.
    /// </summary>
    internal void FlushBatched(AddressSpace mm)
    {
        mm.TlbGen++;
        var cpu = Current.Cpu;
        var others = mm.CpuMask & ~(1UL << cpu);
        if (others != 0)
        {
            EmitFlush(cpu, TlbFlushReason.RemoteSendIpi, -1, mm.CpuMask, FlushScope.Full, 0, ulong.MaxValue);
            for (var rest = others; rest != 0; rest &= rest - 1)
            {
                var r = BitOperations.TrailingZeroCount(rest);
                if (Tlbs.Loaded(r) == mm.Id)
                {
                    InvalidateOn(r, mm, 0, ulong.MaxValue, -1);
                    EmitFlush(r, TlbFlushReason.RemoteShootdown, -1, 1UL << r, FlushScope.Full, 0, ulong.MaxValue);
                }
            }
        }

        if (Tlbs.Loaded(cpu) == mm.Id)
        {
            InvalidateOn(cpu, mm, 0, ulong.MaxValue, -1);
        }

        EmitFlush(cpu, TlbFlushReason.LocalShootdown, -1, 1UL << cpu, FlushScope.Full, 0, ulong.MaxValue);
    }

    private const ulong TrimIntervalNs = 1_000_000_000;

    /// <summary>v6.14 should_trim_cpumask: at most once a second per mm, a flush also IPIs CPUs that left it.</summary>
    private bool ShouldTrimCpumask(AddressSpace mm)
    {
        if (Policy.CpumaskTrim != MmReplay.Replay.Policy.CpumaskTrim.Lazy || Current.TimeNs <= mm.NextTrimNs)
        {
            return false;
        }

        mm.NextTrimNs = Current.TimeNs + TrimIntervalNs;
        return true;
    }

    private void InvalidateOn(int cpu, AddressSpace mm, ulong start, ulong end, long pages)
    {
        var keep = Policy.ArchDirty == MmReplay.Replay.Policy.ArchDirtyModel.StaleDirtySurvivesFlush;
        if (pages < 0)
        {
            Tlbs.InvalidateMm(cpu, mm.Id, keep);
        }
        else
        {
            for (var va = start; va < end; va += PageSize)
            {
                Tlbs.InvalidatePage(cpu, mm.Id, va >> PageShift, keep);
            }
        }

        Tlbs.CaughtUp(cpu, mm.Id, mm.TlbGen);
    }

    // ---- mmu_gather: pages are freed only after the TLB flush ----

    internal void QueueFree(int frame)
    {
        if (_freeCount == _freeBatch.Length)
        {
            Array.Resize(ref _freeBatch, _freeBatch.Length * 2);
        }

        _freeBatch[_freeCount++] = frame;
    }

    /// <summary>tlb_finish_mmu: flush the gathered range (if any PTE was cleared), then free the queued pages.</summary>
    internal void FinishGather(AddressSpace mm, ref OpCursor c, bool fullMm)
    {
        if (c.GatherEnd != 0)
        {
            var (start, end) = fullMm ? (0UL, ulong.MaxValue) : (c.GatherStart, c.GatherEnd);
            FlushTlbRange(mm, start, end, fullMm ? FlushScope.Full : FlushScope.Range);
            Notify.GatherFlush(this, mm, start, end, Notify.SiteOf(Current.Op)); // tlb_flush_mmu_tlbonly before v6.6
        }

        c.GatherStart = c.GatherEnd = 0;
        for (var i = 0; i < _freeCount; i++)
        {
            Frames.Put(_freeBatch[i]);
        }

        _freeCount = 0;
    }
}
