using MmReplay.Ingest;

namespace MmReplay.Bench;

/// <summary>
/// A seeded synthetic trace for the replay benchmark, generated batch by batch (as ingest delivers batches):
/// each of 4 processes maps a 64 MiB anon region, then come mostly single-page loads and stores at uniformly
/// random pages of the running process's region (40% stores) mixed with the ops that cost more (per million
/// events: ~1000 pagemaps of 16 pages, 100 mprotect RO/RW pairs of 16 pages, 100 MADV_DONTNEEDs of 8 pages,
/// 10 clear_refs 4, 2 forks with the child's exit), and the regions are unmapped at the end.
/// Scheduling: 2 CPUs, processes 0 and 2 on CPU 0, 1 and 3 on CPU 1; each event comes from a random CPU (the
/// per-CPU streams interleave) and a CPU switches to its other process with probability 1 / sliceEvents per
/// event (a time slice). sliceEvents = 1 is the old stress mix: the process is drawn anew for every event, so
/// every other event is a context switch (a tlb_flush "task switch" row).
/// Pages: uniformly random over the region, or Zipfian (YCSB's scrambled zipfian, theta 0.99: a few hot pages
/// take most accesses, as real programs' working sets do; the ops that take ranges still fall anywhere).
/// </summary>
public sealed class ReplayWorkload
{
    public const ulong RegionPages = 16384;
    public const int Processes = 4;
    private const ulong RegionBase = 0x7000_0000_0000;

    private readonly Random _rng;
    private readonly long _total;
    private readonly int _sliceEvents;
    private readonly ScrambledZipfian? _zipfian;
    /// <summary>The process each CPU runs (index = CPU).</summary>
    private readonly int[] _running = [0, 1];
    private long _emitted;
    private TraceEvent _pending;
    private bool _hasPending;

    public ReplayWorkload(long total, int seed, int sliceEvents, bool zipfian)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(sliceEvents, 1);
        _total = total;
        _rng = new Random(seed);
        _sliceEvents = sliceEvents;
        _zipfian = zipfian ? Zipfian : null;
    }

    /// <summary>The Zipfian page popularity (its zeta sum is computed once).</summary>
    public static ScrambledZipfian Zipfian { get; } = new(RegionPages, 0.99);

    /// <summary>Fill <paramref name="batch"/>; returns how many events were written (0 at the end).</summary>
    public int Fill(Span<TraceEvent> batch)
    {
        var n = 0;
        while (n < batch.Length && _emitted < _total)
        {
            batch[n++] = Next();
            _emitted++;
        }

        return n;
    }

    private TraceEvent Next()
    {
        if (_hasPending)
        {
            _hasPending = false;
            return _pending;
        }

        var line = _emitted + 1;
        if (_emitted < Processes)
        {
            var p0 = (int)_emitted;
            return new TraceEvent { Op = OpCode.Mmap, Pid = Pid(p0), Tid = Pid(p0), Cpu = p0 % 2, Addr = Region(p0), Len = RegionPages * 4096, Prot = Prot.Read | Prot.Write, Line = line };
        }

        if (_emitted >= _total - Processes)
        {
            var p1 = (int)(_total - _emitted - 1);
            return new TraceEvent { Op = OpCode.Munmap, Pid = Pid(p1), Tid = Pid(p1), Cpu = p1 % 2, Addr = Region(p1), Len = RegionPages * 4096, Line = line };
        }

        var p = NextProcess();
        var page = _zipfian is { } z ? z.Next(_rng) : (ulong)_rng.Next((int)RegionPages);
        var e = new TraceEvent { Pid = Pid(p), Tid = Pid(p), Cpu = p % 2, Line = line, Len = 4096, Addr = Region(p) + (page * 4096) };
        var dice = _rng.Next(1_000_000);
        if (dice < 2 && _emitted < _total - Processes - 1)
        {
            e.Op = OpCode.Fork;
            e.OtherPid = 1000 + p;
            _pending = new TraceEvent { Op = OpCode.Exit, Pid = 1000 + p, Tid = 1000 + p, Cpu = (p + 1) % 2, Line = line + 1 };
            _hasPending = true;
        }
        else if (dice < 12)
        {
            e.Op = OpCode.ClearRefs;
            e.ClearRefsType = 4;
        }
        else if (dice < 112 && _emitted < _total - Processes - 1)
        {
            e.Op = OpCode.Mprotect;
            e.Addr = Region(p) + ((page & ~15UL) * 4096);
            e.Len = 16 * 4096;
            e.Prot = Prot.Read;
            _pending = e with { Prot = Prot.Read | Prot.Write, Line = line + 1 };
            _hasPending = true;
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
            e.Op = _rng.Next(10) < 4 ? OpCode.Write : OpCode.Read;
            e.Value = (ulong)line;
        }

        return e;
    }

    private int NextProcess()
    {
        if (_sliceEvents == 1)
        {
            return _rng.Next(Processes);
        }

        var cpu = _rng.Next(2);
        if (_rng.Next(_sliceEvents) == 0)
        {
            _running[cpu] ^= 2; // the CPU's other process
        }

        return _running[cpu];
    }

    private static int Pid(int p) => 100 + p;

    private static ulong Region(int p) => RegionBase + ((ulong)p << 32);
}
