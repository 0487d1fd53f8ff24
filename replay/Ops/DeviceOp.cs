using MmReplay.Ingest;
using MmReplay.Replay.Model;

namespace MmReplay.Replay.Ops;

/// <summary>
/// Secondary MMUs: dev_attach registers an mmu_notifier subscriber on the pid's mm (kvm: own page table,
/// start/end; iommu/ats: shares the CPU page table, invalidate_range); dev_detach unregisters it. dev_read /
/// dev_write go through the device TLB one page at a time: a hit uses the cached frame, even a stale one; a
/// miss walks the current PTE (the IOMMU sets A, and D for a write) or, when the PTE does not allow the access,
/// faults as GUP would (KVM's hva_to_pfn, ATS PRI) and walks again. A hit whose frame is freed or no longer
/// mapped at the address is a StaleDeviceTranslation hazard; a stale read after the device already saw a write
/// newer than the address's new page is a DeviceOrdering hazard (MN-1's addrA/addrB example).
/// </summary>
internal static class DeviceOp
{
    public static bool Step(Machine m, ref OpCursor c)
    {
        ref readonly var e = ref c.Event;
        switch (e.Op)
        {
            case OpCode.DevAttach:
                Detach(m, e.Device);
                var mm = m.MmOf(e.Pid);
                m.Devices.Add(new SecondaryTlb(e.Device, e.DeviceKind == DeviceKind.Kvm, mm.Id));
                mm.Subscribers++;
                return false;
            case OpCode.DevDetach:
                Detach(m, e.Device);
                return false;
        }

        var d = Find(m, e.Device);
        var owner = d is null ? null : m.MmById(d.MmId);
        if (d is null || owner is null || !owner.Alive)
        {
            return false; // no such subscriber: the device has no translation to use
        }

        if (c.Step == 0)
        {
            c.Step = 1;
            c.Va = e.Addr & ~(m.PageSize - 1);
        }

        var write = e.Op == OpCode.DevWrite;
        if (d.OwnPageTable && d.InvalidateDepth > 0 && !d.TryGet(c.Va >> m.PageShift, out _))
        {
            return true; // KVM/HMM: a refault waits until invalidate_range_end (only an interleaving explorer sees this)
        }

        if (!Access(m, d, owner, c.Va, write, e.Value))
        {
            return false;
        }

        c.Va += m.PageSize;
        return c.Va < e.Addr + Math.Max(e.Len, 1);
    }

    /// <summary>mmu_notifier release at exit: the mm's subscribers lose their translations and go.</summary>
    public static void ReleaseMm(Machine m, AddressSpace mm)
    {
        for (var i = m.Devices.Count - 1; i >= 0; i--)
        {
            if (m.Devices[i].MmId == mm.Id)
            {
                m.Devices.RemoveAt(i);
            }
        }

        mm.Subscribers = 0;
    }

    private static SecondaryTlb? Find(Machine m, int device)
    {
        foreach (var d in m.Devices)
        {
            if (d.Device == device)
            {
                return d;
            }
        }

        return null;
    }

    private static void Detach(Machine m, int device)
    {
        var d = Find(m, device);
        if (d is null)
        {
            return;
        }

        m.Devices.Remove(d);
        var mm = m.MmById(d.MmId);
        if (mm is not null && mm.Subscribers > 0)
        {
            mm.Subscribers--;
        }
    }

    private static bool Access(Machine m, SecondaryTlb d, AddressSpace mm, ulong va, bool write, ulong value)
    {
        var vpn = va >> m.PageShift;
        if (d.TryGet(vpn, out var t) && (!write || t.Write))
        {
            CheckFresh(m, d, mm, va, t.Frame, write);
            Done(m, d, va, t.Frame, write, value, fresh: false);
            return true;
        }

        for (var attempt = 0; attempt < 4; attempt++)
        {
            var leaf = mm.Leaf(va, create: false);
            if (leaf >= 0)
            {
                ref var pte = ref mm.Pte(leaf, va);
                if (Pte.IsCpuPresent(pte) && (!write || (pte & Pte.Write) != 0))
                {
                    if (!d.OwnPageTable)
                    {
                        pte |= Pte.Young | (write ? Pte.Dirty : 0); // the IOMMU walk sets A/D like a CPU walk (never soft-dirty)
                    }

                    d.Fill(vpn, Pte.Frame(pte), (pte & Pte.Write) != 0);
                    Done(m, d, va, Pte.Frame(pte), write, value, fresh: true);
                    return true;
                }
            }

            // GUP (KVM hva_to_pfn) or an ATS page request: handle_mm_fault on the device's behalf, then walk again.
            if (!Faults.Handle(m, mm, va, write ? Faults.WriteBit : 0, gup: true))
            {
                return false;
            }
        }

        throw new InvalidOperationException($"line {m.Current.Line}: device access at 0x{va:x} did not complete after its fault (model bug)");
    }

    private static void CheckFresh(Machine m, SecondaryTlb d, AddressSpace mm, ulong va, int cached, bool write)
    {
        var pte = mm.ReadPte(va);
        var current = Pte.IsPresent(pte) ? Pte.Frame(pte) : -1;
        var freed = !m.Frames.Has(cached, FrameFlags.InUse);
        if (!freed && current == cached)
        {
            return;
        }

        m.EmitHazard(HazardKind.StaleDeviceTranslation, va, (ulong)cached, current < 0 ? ulong.MaxValue : (ulong)current, d.Device);
        if (!write && current >= 0 && d.NewestSeenWrite > m.Frames.BornAt(current))
        {
            m.EmitHazard(HazardKind.DeviceOrdering, va, (ulong)cached, (ulong)current, d.Device);
        }
    }

    private static void Done(Machine m, SecondaryTlb d, ulong va, int frame, bool write, ulong value, bool fresh)
    {
        if (write)
        {
            m.EmitWrite(va, value, frame, d.Device);
            return;
        }

        if (fresh && m.Frames.WrittenAt(frame) > d.NewestSeenWrite)
        {
            d.NewestSeenWrite = m.Frames.WrittenAt(frame);
        }

        m.EmitObservation(ObservationKind.Value, va, m.Frames.Content(frame), (ulong)frame, d.Device);
    }
}
