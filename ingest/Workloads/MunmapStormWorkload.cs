namespace MmReplay.Ingest.Workloads;

/// <summary>
/// A multi-threaded allocator under load (short-lived large allocations, jemalloc/glibc mmap threshold): each thread,
/// on its own CPU where --cpus allows, maps a few pages, touches them a few times, and unmaps them, again and again,
/// interleaved with the other threads. Every munmap of touched pages must shoot down the TLBs of the other CPUs
/// running the mm. Question: TLB flushes and IPIs per operation mix under each policy.
/// </summary>
public sealed class MunmapStormWorkload : Workload
{
    private readonly Worker[] _workers;

    public MunmapStormWorkload(WorkloadContext context, int processes)
        : base(context)
    {
        var slotPages = Math.Max(16, Options.Pages / Options.Threads);
        _workers = new Worker[processes * Options.Threads];
        for (var p = 0; p < processes; p++)
        {
            var process = new SimProcess(context, Options.Threads);
            for (var t = 0; t < Options.Threads; t++)
            {
                _workers[(p * Options.Threads) + t] = new Worker(process.Thread(t), context.Reserve(slotPages));
            }
        }
    }

    public override void Start(TraceBuilder trace)
    {
    }

    public override void Step(TraceBuilder trace)
    {
        ArgumentNullException.ThrowIfNull(trace);
        var w = _workers[Random.Next(_workers.Length)];
        if (w.Live.Pages == 0)
        {
            var pages = Math.Min(w.Slot.Pages, Context.Interval(4));
            w.Live = w.Slot.Slice(Random.Next(w.Slot.Pages - pages + 1), pages);
            trace.Mmap(w.Thread, w.Live, Prot.Read | Prot.Write);
            w.TouchesLeft = Context.Interval(3);
        }
        else if (w.TouchesLeft > 0)
        {
            CpuAccess(trace, w.Thread, w.Live.Slice(Random.Next(w.Live.Pages), 1));
            w.TouchesLeft--;
        }
        else
        {
            trace.Munmap(w.Thread, w.Live);
            w.Live = default;
        }
    }

    public override void Finish(TraceBuilder trace)
    {
        ArgumentNullException.ThrowIfNull(trace);
        foreach (var w in _workers)
        {
            if (w.Live.Pages != 0)
            {
                trace.Munmap(w.Thread, w.Live);
                w.Live = default;
            }
        }
    }

    private sealed class Worker(Actor thread, Region slot)
    {
        public Actor Thread { get; } = thread;

        public Region Slot { get; } = slot;

        public Region Live { get; set; }

        public int TouchesLeft { get; set; }
    }
}
