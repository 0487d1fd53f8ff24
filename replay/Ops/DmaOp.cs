using MmReplay.Ingest;
using MmReplay.Replay.Model;

namespace MmReplay.Replay.Ops;

/// <summary>
/// dma_read / dma_write: a device reaches the frames the pid pinned in [addr, addr+len), whatever the PTEs map
/// now (a pin holds the frame, 4.2). When the CPU PTE no longer maps the pinned frame, the CPU and the device
/// see different memory: a PinIncoherence hazard (Value = pinned frame, Aux = CPU frame or ulong.MaxValue).
/// Pages without a pin are skipped (the driver would have nothing to DMA to). One step.
/// </summary>
internal static class DmaOp
{
    public static bool Step(Machine m, ref OpCursor c)
    {
        ref readonly var e = ref c.Event;
        var mm = m.MmOf(e.Pid);
        var end = e.Addr + Math.Max(e.Len, 1);
        for (var va = e.Addr & ~(m.PageSize - 1); va < end; va += m.PageSize)
        {
            var pin = m.Pins.Find(e.Pid, va);
            if (pin < 0)
            {
                continue;
            }

            var frame = m.Pins.Frame(pin);
            CheckCoherent(m, mm, va, frame);
            if (e.Op == OpCode.DmaWrite)
            {
                m.EmitWrite(va, e.Value, frame);
            }
            else
            {
                m.EmitObservation(ObservationKind.Value, va, m.Frames.Content(frame), (ulong)frame);
            }
        }

        return false;
    }

    /// <summary>Report a pinned frame the CPU no longer maps at the pinned address (thread 002's silent incoherence).</summary>
    public static void CheckCoherent(Machine m, AddressSpace mm, ulong va, int pinnedFrame)
    {
        var pte = mm.ReadPte(va);
        var cpuFrame = Pte.IsPresent(pte) ? Pte.Frame(pte) : -1;
        if (cpuFrame != pinnedFrame)
        {
            m.EmitHazard(HazardKind.PinIncoherence, va, (ulong)pinnedFrame, cpuFrame < 0 ? ulong.MaxValue : (ulong)cpuFrame);
        }
    }
}
