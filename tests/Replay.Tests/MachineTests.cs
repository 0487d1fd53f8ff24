using MmReplay.Ingest;

namespace MmReplay.Replay.Tests;

public sealed class MachineTests
{
    [Theory]
    [InlineData(OpCode.Mmap, OpSupport.Applied)]
    [InlineData(OpCode.ClearRefs, OpSupport.Applied)]
    [InlineData(OpCode.TlbFlush, OpSupport.Recorded)]
    [InlineData(OpCode.Notifier, OpSupport.Recorded)]
    [InlineData(OpCode.DevRead, OpSupport.Applied)]
    [InlineData(OpCode.DmaWrite, OpSupport.Applied)]
    [InlineData(OpCode.NumaHint, OpSupport.Applied)]
    [InlineData(OpCode.Migrate, OpSupport.Applied)]
    [InlineData(OpCode.UffdWp, OpSupport.Applied)]
    public void Ops_say_whether_the_model_applies_them(OpCode op, OpSupport expected) => Assert.Equal(expected, Machine.SupportOf(op));

    [Fact]
    public void Recorded_ops_emit_nothing()
    {
        var machine = new Machine(KernelPolicy.Preset("latest"), new MachineConfig());
        var sink = new CollectingSink();
        machine.Apply(new TraceEvent { Op = OpCode.TlbFlush, Pid = 1, Count = -1 }, sink);
        machine.Apply(new TraceEvent { Op = OpCode.Notifier, Pid = 1 }, sink);
        Assert.Empty(sink.Effects);
    }

    [Fact]
    public void Steps_driven_one_at_a_time_give_the_same_effects_as_Apply()
    {
        // munmap of 3 leaf tables' worth of pages: lock step, one step per leaf table, flush step.
        TraceEvent[] events =
        [
            new() { Op = OpCode.Mmap, Pid = 1, Addr = 0x4000_0000, Len = 3UL << 21, Prot = Prot.Read | Prot.Write, Line = 1 },
            new() { Op = OpCode.Write, Pid = 1, Addr = 0x4000_0000, Len = 3UL << 21, Value = 5, Line = 2 },
        ];
        var applied = new Machine(KernelPolicy.Preset("latest"), new MachineConfig());
        var stepped = new Machine(KernelPolicy.Preset("latest"), new MachineConfig());
        var a = new CollectingSink();
        var s = new CollectingSink();
        foreach (var e in events)
        {
            applied.Apply(e, a);
            stepped.Apply(e, s);
        }

        var unmap = new TraceEvent { Op = OpCode.Munmap, Pid = 1, Addr = 0x4000_0000, Len = 3UL << 21, Line = 3 };
        applied.Apply(unmap, a);
        var cursor = new OpCursor(unmap);
        var steps = 1;
        while (stepped.Step(ref cursor, s))
        {
            steps++;
        }

        Assert.Equal(a.Effects, s.Effects);
        Assert.Equal(5, steps); // one step takes the lock, three zap one leaf table each, the last flushes, frees and unlocks
        Assert.Equal(1, s.Effects.Count(e => e.Line == 3 && e.Kind == EffectKind.TlbFlush)); // one full flush (TL-1: 1536 pages)
        Assert.Equal(-1, s.Effects.Single(e => e.Line == 3 && e.Kind == EffectKind.TlbFlush).Count);
        Assert.Equal(1, applied.FramesInUse); // only the zero page is left: pages are freed after the flush
    }
}
