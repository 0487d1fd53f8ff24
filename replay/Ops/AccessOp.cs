using MmReplay.Ingest;
using MmReplay.Replay.Model;

namespace MmReplay.Replay.Ops;

/// <summary>
/// CPU loads and stores through the CPU's TLB, one page per step. A TLB hit uses the cached translation (even a
/// stale one); the first store through a clean cached translation sets D in the PTE (x86, DH-5) or faults if the
/// PTE no longer allows it; a miss walks the page table, sets A (and D), and fills the TLB.
/// </summary>
internal static class AccessOp
{
    public static bool Step(Machine m, ref OpCursor c)
    {
        ref readonly var e = ref c.Event;
        if (c.Step == 0)
        {
            c.Step = 1;
            c.Va = e.Addr & ~(m.PageSize - 1);
        }

        var end = e.Addr + Math.Max(e.Len, 1);
        var mm = m.MmOf(e.Pid);
        if (!Touch(m, mm, c.Va, e.Op == OpCode.Write, e.Value))
        {
            return false; // SIGSEGV ends the access
        }

        c.Va += m.PageSize;
        return c.Va < end;
    }

    /// <summary>All pages of an access back to back: what <see cref="Step"/> does over successive calls, for sequential replay.</summary>
    public static void Run(Machine m, AddressSpace mm, in TraceEvent e)
    {
        var write = e.Op == OpCode.Write;
        var end = e.Addr + Math.Max(e.Len, 1);
        var va = e.Addr & ~(m.PageSize - 1);
        while (Touch(m, mm, va, write, e.Value))
        {
            va += m.PageSize;
            if (va >= end)
            {
                return;
            }
        }
    }

    /// <summary>A recorded fault: handled as the kernel would, no access after it.</summary>
    public static bool StepRecordedFault(Machine m, ref OpCursor c)
    {
        ref readonly var e = ref c.Event;
        var mm = m.MmOf(e.Pid);
        var va = e.Addr & ~(m.PageSize - 1);
        var code = e.ErrorCode;
        if (code == 0)
        {
            code = Faults.UserBit | e.Access switch { Ingest.Access.Write => Faults.WriteBit, Ingest.Access.Exec => Faults.InstrBit, _ => 0u };
            if (Pte.IsCpuPresent(mm.ReadPte(va)))
            {
                code |= Faults.ProtBit;
            }
        }

        m.Tlbs.InvalidatePage(e.Cpu, mm.Id, va >> m.PageShift, keepDirtyWritable: false); // a #PF drops the translation
        Faults.Handle(m, mm, va, code, gup: false);
        return false;
    }

    private static bool Touch(Machine m, AddressSpace mm, ulong va, bool write, ulong value)
    {
        var cpu = m.Current.Cpu;
        var vpn = va >> m.PageShift;
        for (var attempt = 0; attempt < 4; attempt++)
        {
            uint code;
            var slot = m.Tlbs.Lookup(cpu, mm.Id, vpn);
            if (slot >= 0)
            {
                ref var bits = ref m.Tlbs.BitsAt(slot);
                var frame = m.Tlbs.FrameAt(slot);
                if (!write)
                {
                    Done(m, va, false, value, frame);
                    return true;
                }

                if ((bits & CpuTlbs.CachedWrite) != 0)
                {
                    if ((bits & CpuTlbs.CachedDirty) != 0)
                    {
                        ReportLostDirty(m, mm, va, frame, bits);
                        Done(m, va, true, value, frame);
                        return true;
                    }

                    // Dirty assist: re-read the PTE and set D atomically, or fault if it no longer allows the write.
                    var t = mm.Leaf(va, create: false);
                    if (t >= 0)
                    {
                        ref var pte = ref mm.Pte(t, va);
                        if (Pte.IsCpuPresent(pte) && (pte & Pte.Write) != 0 && Pte.Frame(pte) == frame)
                        {
                            pte |= Pte.Dirty | Pte.Young;
                            bits |= CpuTlbs.CachedDirty;
                            Done(m, va, true, value, frame);
                            return true;
                        }
                    }
                }

                // A cached read-only (or now stale) translation: the store faults with P = 1.
                code = Faults.UserBit | Faults.WriteBit | Faults.ProtBit;
                m.Tlbs.InvalidatePage(cpu, mm.Id, vpn, keepDirtyWritable: false);
            }
            else
            {
                var t = mm.Leaf(va, create: false);
                if (t >= 0)
                {
                    ref var pte = ref mm.Pte(t, va);
                    if (Pte.IsCpuPresent(pte) && (!write || (pte & Pte.Write) != 0))
                    {
                        pte |= Pte.Young | (write ? Pte.Dirty : 0); // hardware A/D: never soft-dirty (SD-3)
                        var cached = (byte)(((pte & Pte.Write) != 0 ? CpuTlbs.CachedWrite : 0) | ((pte & Pte.Dirty) != 0 ? CpuTlbs.CachedDirty : 0));
                        m.Tlbs.Fill(cpu, mm.Id, vpn, Pte.Frame(pte), cached);
                        Done(m, va, write, value, Pte.Frame(pte));
                        return true;
                    }

                    code = Faults.UserBit | (write ? Faults.WriteBit : 0) | (Pte.IsCpuPresent(pte) ? Faults.ProtBit : 0);
                }
                else
                {
                    code = Faults.UserBit | (write ? Faults.WriteBit : 0);
                }
            }

            if (!Faults.Handle(m, mm, va, code, gup: false))
            {
                return false;
            }
        }

        throw new InvalidOperationException($"line {m.Current.Line}: access at 0x{va:x} did not complete after its fault (model bug)");
    }

    /// <summary>Causes as analyze's DirtyCause codes (Vocabulary.DirtyCauses): stale_tlb_no_flush, stale_dirty_tlb.</summary>
    private const byte StaleTlbNoFlush = 4;
    private const byte StaleDirtyTlb = 5;

    /// <summary>
    /// A store through a cached writable, dirty translation that the PTE no longer backs: hardware sets no dirty
    /// bit, so the write is lost to every dirty interface. Either the entry survived a flush (the DH-5 ablation)
    /// or no flush came after the PTE change outside a deferred-flush window (the clear_refs regression, 1.6).
    /// </summary>
    private static void ReportLostDirty(Machine m, AddressSpace mm, ulong va, int frame, byte bits)
    {
        var pte = mm.ReadPte(va);
        if ((pte & (Pte.Write | Pte.Dirty)) == (Pte.Write | Pte.Dirty) && Pte.Frame(pte) == frame)
        {
            return;
        }

        if ((bits & CpuTlbs.SurvivedFlush) != 0)
        {
            m.EmitHazard(HazardKind.LostDirty, va, (ulong)frame, pte, scope: StaleDirtyTlb);
        }
        else if (mm.TlbFlushPending == 0)
        {
            m.EmitHazard(HazardKind.LostDirty, va, (ulong)frame, pte, scope: StaleTlbNoFlush);
        }
    }

    private static void Done(Machine m, ulong va, bool write, ulong value, int frame)
    {
        if (write)
        {
            m.EmitWrite(va, value, frame);
        }
        else
        {
            m.EmitLoad(va, frame);
        }
    }
}
