using MmReplay.Ingest;

namespace MmReplay.Replay.Tests;

/// <summary>Machine.Prefetch is only a cache hint: replay with it gives the same effects, and odd events never throw.</summary>
public sealed class PrefetchTests
{
    [Theory]
    [InlineData("latest", 5)]
    [InlineData("linux-5.10", 6)]
    public void Hints_change_nothing(string preset, int seed)
    {
        var plain = Replay(preset, seed, prefetch: false);
        var hinted = Replay(preset, seed, prefetch: true);

        Assert.True(plain.Effects.Count > 1000, $"seed {seed}: only {plain.Effects.Count} effects; the trace exercises too little");
        Assert.Equal(plain.Effects, hinted.Effects);
    }

    [Fact]
    public void Odd_events_are_ignored()
    {
        var machine = new Machine(KernelPolicy.Preset("latest"), new MachineConfig { Cpus = 2 });
        var sink = new CollectingSink();
        machine.Apply(new TraceEvent { Op = OpCode.Mmap, Pid = 7, Cpu = 0, Addr = 0x10000, Len = 0x4000, Prot = Prot.Read | Prot.Write, Line = 1 }, sink);
        var before = (machine.FramesInUse, machine.EffectsProduced);

        machine.Prefetch(new TraceEvent { Op = OpCode.Write, Pid = 7, Cpu = 0, Addr = 0x10000, Line = 2 }); // mapped, no leaf table yet
        machine.Prefetch(new TraceEvent { Op = OpCode.Read, Pid = 8, Cpu = 1, Addr = 0x10000, Line = 3 }); // a pid never seen
        machine.Prefetch(new TraceEvent { Op = OpCode.Read, Pid = 7, Cpu = 99, Addr = 0x10000, Line = 4 }); // no such CPU
        machine.Prefetch(new TraceEvent { Op = OpCode.Read, Pid = 7, Cpu = -1, Addr = ulong.MaxValue, Line = 5 });
        machine.Prefetch(new TraceEvent { Op = OpCode.Munmap, Pid = 7, Cpu = 0, Addr = 0x10000, Len = 0x4000, Line = 6 });

        Assert.Equal(before, (machine.FramesInUse, machine.EffectsProduced));
    }

    private static CollectingSink Replay(string preset, int seed, bool prefetch)
    {
        var machine = new Machine(KernelPolicy.Preset(preset), new MachineConfig { Cpus = 2 });
        var sink = new CollectingSink();
        var rng = new Random(seed);
        var pids = new List<int> { 10, 11 };
        var events = new TraceEvent[1500];
        for (var i = 0; i < events.Length; i++)
        {
            events[i] = RandomTraceInvariantTests.RandomEvent(rng, pids, i + 1);
        }

        for (var i = 0; i < events.Length; i++)
        {
            if (prefetch && i + Machine.PrefetchDistance < events.Length)
            {
                machine.Prefetch(in events[i + Machine.PrefetchDistance]);
            }

            machine.Apply(in events[i], sink);
        }

        return sink;
    }
}
