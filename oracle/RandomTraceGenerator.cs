using MmReplay.Ingest;

namespace MmReplay.Oracle;

/// <summary>
/// Seeded random traces within the oracle's executable subset (workload <c>oracle-random</c>): a few small
/// processes made by fork, regions of private/shared anon and shared/private memfd memory, protections,
/// madvise, mremap, clear_refs rounds, pins with DMA, pagemap reads. Accesses always respect the region's
/// protection (no SIGSEGV), pinned regions are never unmapped, moved or zapped, and every trace ends with a
/// pagemap of every region of every live process. Same seed, same trace.
/// </summary>
public sealed class RandomTraceGenerator
{
    public const ulong RegionBase = 0x10000000;
    public const ulong SlotSize = 0x100000;
    private const int MaxProcesses = 4;
    private const int MaxRegionsPerProcess = 4;
    private readonly Random random;
    private readonly TraceBuilder trace = new();
    private readonly List<GenProcess> processes = [];
    private int nextSlot;
    private int nextFileId = 1;
    private int nextPid = 100;

    private RandomTraceGenerator(int seed) => random = new Random(seed);

    /// <summary>A trace of about <paramref name="ops"/> random ops plus the closing pagemaps.</summary>
    public static TraceEvent[] Generate(int seed, int ops = 60)
    {
        var generator = new RandomTraceGenerator(seed);
        generator.Run(ops);
        return generator.trace.Build();
    }

    private void Run(int ops)
    {
        var root = new GenProcess(NewPid());
        processes.Add(root);
        MapNew(root);
        for (int i = 0; i < ops; i++)
            Step(Pick(processes.FindAll(p => p.Alive)));
        foreach (GenProcess p in processes)
        {
            if (!p.Alive)
                continue;
            foreach (GenRegion r in p.Regions)
                trace.Pagemap(p.Pid, r.Addr, r.Pages);
        }
    }

    private void Step(GenProcess p)
    {
        GenRegion? region = p.Regions.Count == 0 ? null : Pick(p.Regions);
        switch (random.Next(16))
        {
            case 0 when p.Regions.Count < MaxRegionsPerProcess:
                MapNew(p);
                break;
            case 1 or 2 or 3 when region is not null && (region.Prot & Prot.Write) != 0:
                (ulong addr, int pages) = Span(region);
                trace.Write(p.Pid, addr, pages);
                break;
            case 4 or 5 when region is not null && (region.Prot & Prot.Read) != 0:
                (addr, pages) = Span(region);
                trace.Read(p.Pid, addr, pages);
                break;
            case 6 when region is not null:
                trace.Pagemap(p.Pid, region.Addr, region.Pages);
                break;
            case 7:
                trace.ClearRefs(p.Pid);
                break;
            case 8 when region is not null:
                region.Prot = Pick([Prot.Read | Prot.Write, Prot.Read | Prot.Write, Prot.Read, Prot.None]);
                trace.Mprotect(p.Pid, region.Addr, region.Pages, region.Prot);
                break;
            case 9 when region is not null && !region.Pinned:
                Advise(p, region);
                break;
            case 10 when processes.Count < MaxProcesses:
                Fork(p);
                break;
            case 11 when processes.FindAll(q => q.Alive).Count > 1:
                trace.Exit(p.Pid);
                p.Alive = false;
                break;
            case 12 when region is not null && region.Pinnable && !region.Pinned && (region.Prot & Prot.Write) != 0:
                trace.Pin(p.Pid, region.Addr, region.Pages);
                region.Pinned = true;
                break;
            case 13 when region is not null && region.Pinned:
                if (random.Next(3) == 0)
                {
                    trace.Unpin(p.Pid, region.Addr, region.Pages);
                    region.Pinned = false;
                }
                else if (random.Next(2) == 0)
                {
                    trace.DmaWrite(p.Pid, region.Addr + (ulong)random.Next(region.Pages) * TraceBuilder.Page);
                }
                else
                {
                    trace.DmaRead(p.Pid, region.Addr, region.Pages);
                }
                break;
            case 14 when region is not null && !region.Pinned:
                trace.Munmap(p.Pid, region.Addr, region.Pages);
                p.Regions.Remove(region);
                break;
            case 15 when region is not null && !region.Pinned:
                ulong to = NewSlot();
                trace.Mremap(p.Pid, region.Addr, region.Pages, to);
                region.Addr = to;
                break;
            default:
                if (region is not null && (region.Prot & Prot.Write) != 0)
                    trace.Write(p.Pid, region.Addr);
                break;
        }
    }

    private void MapNew(GenProcess p)
    {
        int pages = 1 + random.Next(6);
        Prot prot = random.Next(5) == 0 ? Prot.Read : Prot.Read | Prot.Write;
        ulong addr = NewSlot();
        GenRegion region;
        switch (random.Next(4))
        {
            case 0:
                trace.Mmap(p.Pid, addr, pages, prot, shared: true);
                region = new GenRegion(addr, pages, prot, Pinnable: false);
                break;
            case 1:
                bool shared = random.Next(3) != 0;
                int fileId = random.Next(3) == 0 && nextFileId > 1 ? 1 + random.Next(nextFileId - 1) : nextFileId++;
                trace.Mmap(p.Pid, addr, pages, prot, shared, fileId);
                region = new GenRegion(addr, pages, prot, Pinnable: false);
                break;
            default:
                trace.Mmap(p.Pid, addr, pages, prot);
                region = new GenRegion(addr, pages, prot, Pinnable: true);
                break;
        }
        p.Regions.Add(region);
    }

    private void Advise(GenProcess p, GenRegion region)
    {
        Advice advice = region.Pinnable
            ? Pick([Advice.DontNeed, Advice.DontFork, Advice.DoFork, Advice.WipeOnFork])
            : Advice.DontNeed;
        trace.Madvise(p.Pid, region.Addr, region.Pages, advice);
        if (advice == Advice.DontFork)
            region.DontFork = true;
        else if (advice == Advice.DoFork)
            region.DontFork = false;
    }

    private void Fork(GenProcess parent)
    {
        var child = new GenProcess(NewPid());
        trace.Fork(parent.Pid, child.Pid);
        foreach (GenRegion r in parent.Regions)
        {
            if (!r.DontFork)
                child.Regions.Add(r with { Pinned = false });
        }
        processes.Add(child);
    }

    private (ulong Addr, int Pages) Span(GenRegion region)
    {
        int first = random.Next(region.Pages);
        int pages = 1 + random.Next(Math.Min(2, region.Pages - first));
        return (region.Addr + (ulong)first * TraceBuilder.Page, pages);
    }

    private ulong NewSlot() => RegionBase + (ulong)nextSlot++ * SlotSize;

    private int NewPid()
    {
        int pid = nextPid;
        nextPid += 100;
        return pid;
    }

    private T Pick<T>(IReadOnlyList<T> items) => items[random.Next(items.Count)];

    private sealed class GenProcess(int pid)
    {
        public int Pid { get; } = pid;
        public bool Alive { get; set; } = true;
        public List<GenRegion> Regions { get; } = [];
    }

    private sealed record GenRegion(ulong Addr, int Pages, Prot Prot, bool Pinnable)
    {
        public ulong Addr { get; set; } = Addr;
        public Prot Prot { get; set; } = Prot;
        public bool Pinned { get; set; }
        public bool DontFork { get; set; }
    }
}
