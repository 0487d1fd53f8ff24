using MmReplay.Ingest;

namespace MmReplay.Bench;

/// <summary>
/// A seeded synthetic trace for the replay benchmark: a cycle of events that maps a region per process, then
/// mostly single-page loads and stores (random pages, 40% stores) mixed with the ops that cost more
/// (per million events: ~1000 pagemaps of 16 pages, 100 mprotect pairs and 100 MADV_DONTNEEDs, 10 clear_refs 4, 2 forks with child exit), and unmaps everything at the end,
/// so the cycle can be replayed many times on one machine.
/// </summary>
public static class ReplayWorkload
{
    public const ulong RegionBase = 0x7000_0000_0000;
    public const ulong RegionPages = 16384;
    public const int Processes = 4;

    public static TraceEvent[] Cycle(int events, int seed)
    {
        var rng = new Random(seed);
        var list = new TraceEvent[events];
        var n = 0;
        for (var p = 0; p < Processes; p++)
        {
            list[n++] = new TraceEvent { Op = OpCode.Mmap, Pid = Pid(p), Tid = Pid(p), Cpu = p % 2, Addr = Region(p), Len = RegionPages * 4096, Prot = Prot.Read | Prot.Write, Line = n };
        }

        while (n < events - Processes)
        {
            var p = rng.Next(Processes);
            var e = new TraceEvent { Pid = Pid(p), Tid = Pid(p), Cpu = p % 2, Line = n + 1, Len = 4096 };
            var page = (ulong)rng.Next((int)RegionPages);
            e.Addr = Region(p) + (page * 4096);
            var dice = rng.Next(1_000_000);
            if (dice < 2)
            {
                e.Op = OpCode.Fork;
                e.OtherPid = 1000 + p;
                list[n++] = e;
                var exit = new TraceEvent { Op = OpCode.Exit, Pid = 1000 + p, Tid = 1000 + p, Cpu = (p + 1) % 2, Line = n + 1 };
                list[n++] = exit;
                continue;
            }

            if (dice < 12)
            {
                e.Op = OpCode.ClearRefs;
                e.ClearRefsType = 4;
            }
            else if (dice < 112)
            {
                e.Op = OpCode.Mprotect;
                e.Addr = Region(p) + ((page & ~15UL) * 4096);
                e.Len = 16 * 4096;
                e.Prot = Prot.Read;
                list[n++] = e;
                e.Prot = Prot.Read | Prot.Write;
                e.Line++;
            }
            else if (dice < 212)
            {
                e.Op = OpCode.Madvise;
                e.Advice = Advice.DontNeed;
                e.Addr = Region(p) + ((page & ~7UL) * 4096);
                e.Len = 8 * 4096;
            }
            else if (dice < 1212)
            {
                e.Op = OpCode.Pagemap;
                e.Len = 16 * 4096;
                e.Addr = Region(p) + ((page & ~15UL) * 4096);
            }
            else
            {
                e.Op = rng.Next(10) < 4 ? OpCode.Write : OpCode.Read;
                e.Value = (ulong)n;
            }

            list[n++] = e;
        }

        while (n < events)
        {
            var p = events - n - 1;
            list[n++] = new TraceEvent { Op = OpCode.Munmap, Pid = Pid(p), Tid = Pid(p), Cpu = p % 2, Addr = Region(p), Len = RegionPages * 4096, Line = n };
        }

        return list;
    }

    private static int Pid(int p) => 100 + p;

    private static ulong Region(int p) => RegionBase + ((ulong)p << 32);
}
