using MmReplay.Ingest;

namespace MmReplay.Replay.Tests;

/// <summary>
/// Device accesses interleaved with the steps of a munmap, as an explorer would run them: inside the notifier
/// range, after the PTE is cleared and before the secondary invalidation, an ATS device still uses its cached
/// translation (MN-2: the page is not freed before the flush), while KVM, zapped in range_start, must wait.
/// </summary>
public sealed class DeviceInterleavingTests
{
    private const ulong Page = 0x10000000;

    [Theory]
    [InlineData("linux-4.15")]
    [InlineData("linux-6.6")]
    public void Ats_uses_its_stale_translation_inside_the_munmap_window_and_not_after(string preset)
    {
        var (machine, sink) = Prepared(preset);
        var unmap = new OpCursor(new TraceEvent { Line = 20, Op = OpCode.Munmap, Pid = 100, Tid = 100, Addr = Page, Len = 4096 });
        Assert.True(machine.Step(ref unmap, sink)); // write lock, VMA detached, range_start
        Assert.True(machine.Step(ref unmap, sink)); // the leaf table: PTE cleared, page queued for freeing

        // Between the PT lock and the flush: the ATS entry still points at the old frame, which still holds 7.
        sink.Effects.Clear();
        Run(machine, sink, new TraceEvent { Line = 21, Op = OpCode.DevRead, Pid = 100, Device = 0, Addr = Page, Len = 4096 });
        Assert.Contains(sink.Effects, e => e.Kind == EffectKind.Hazard && e.Detail == (byte)HazardKind.StaleDeviceTranslation && e.Device == 0);
        Assert.Contains(sink.Effects, e => e.Kind == EffectKind.Observation && e.Device == 0 && e.Value == 7);

        // KVM zapped its entry in range_start: its refault waits (the step makes no progress and emits nothing).
        sink.Effects.Clear();
        var kvm = new OpCursor(new TraceEvent { Line = 22, Op = OpCode.DevRead, Pid = 100, Device = 1, Addr = Page, Len = 4096 });
        Assert.True(machine.Step(ref kvm, sink));
        Assert.Empty(sink.Effects);

        while (machine.Step(ref unmap, sink))
        {
        }

        // After range_end and the flush the ATS entry is gone: a new read misses and finds no VMA (GUP fails).
        sink.Effects.Clear();
        Run(machine, sink, new TraceEvent { Line = 23, Op = OpCode.DevRead, Pid = 100, Device = 0, Addr = Page, Len = 4096 });
        Assert.DoesNotContain(sink.Effects, e => e.Kind == EffectKind.Hazard);
        Assert.DoesNotContain(sink.Effects, e => e.Kind == EffectKind.Observation);

        // The waiting KVM access resumes after range_end and fails the same way.
        sink.Effects.Clear();
        while (machine.Step(ref kvm, sink))
        {
        }

        Assert.Contains(sink.Effects, e => e.Kind == EffectKind.Fault && e.Detail == (byte)FaultResolution.Segv);
        Assert.DoesNotContain(sink.Effects, e => e.Kind == EffectKind.Observation);
    }

    /// <summary>A written page (value 7) cached by an ATS device (0) and KVM (1).</summary>
    private static (Machine, CollectingSink) Prepared(string preset)
    {
        var machine = new Machine(KernelPolicy.Preset(preset), new MachineConfig { Cpus = 2 });
        var sink = new CollectingSink();
        Run(machine, sink, new TraceEvent { Line = 1, Op = OpCode.Mmap, Pid = 100, Tid = 100, Addr = Page, Len = 4096, Prot = Prot.Read | Prot.Write, Backing = Backing.Anon });
        Run(machine, sink, new TraceEvent { Line = 2, Op = OpCode.Write, Pid = 100, Tid = 100, Addr = Page, Len = 4096, Value = 7 });
        Run(machine, sink, new TraceEvent { Line = 3, Op = OpCode.DevAttach, Pid = 100, Device = 0, DeviceKind = DeviceKind.Ats });
        Run(machine, sink, new TraceEvent { Line = 4, Op = OpCode.DevAttach, Pid = 100, Device = 1, DeviceKind = DeviceKind.Kvm });
        Run(machine, sink, new TraceEvent { Line = 5, Op = OpCode.DevRead, Pid = 100, Device = 0, Addr = Page, Len = 4096 });
        Run(machine, sink, new TraceEvent { Line = 6, Op = OpCode.DevRead, Pid = 100, Device = 1, Addr = Page, Len = 4096 });
        return (machine, sink);
    }

    private static void Run(Machine machine, CollectingSink sink, TraceEvent e) => machine.Apply(e, sink);
}
