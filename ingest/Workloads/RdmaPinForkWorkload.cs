namespace MmReplay.Ingest.Workloads;

/// <summary>
/// An RDMA application (ibv_reg_mr): buffers written, then pinned for DMA (pin flags=write|longterm); every other
/// buffer is MADV_DONTFORK as rdma-core's ibv_fork_init makes them, the rest are not. The process keeps writing its
/// buffers while the NIC reads and writes them (dma_*), and every ~--churn-every steps either forks a short-lived
/// child (a helper that reads a non-DONTFORK buffer and exits) or re-registers a buffer (unpin, pin). Question: pin
/// coherence — after a fork, does a parent write COW the page away from the frame the NIC still holds?
/// </summary>
public sealed class RdmaPinForkWorkload : Workload
{
    private const PinFlags MrFlags = PinFlags.Write | PinFlags.LongTerm;
    private readonly Host[] _hosts;

    public RdmaPinForkWorkload(WorkloadContext context, int processes)
        : base(context)
    {
        var buffers = Math.Clamp(Options.Pages / 32, 2, 8);
        var perBuffer = Options.Pages / buffers;
        _hosts = new Host[processes];
        for (var i = 0; i < processes; i++)
        {
            var regions = new Region[buffers];
            for (var b = 0; b < buffers; b++)
            {
                regions[b] = context.Reserve(perBuffer);
            }

            _hosts[i] = new Host(new SimProcess(context, Options.Threads), regions, context.Zipf(buffers * perBuffer));
        }
    }

    /// <summary>Even buffers are MADV_DONTFORK (registered after ibv_fork_init), odd ones are not.</summary>
    public static bool IsDontFork(int buffer) => buffer % 2 == 0;

    public override void Start(TraceBuilder trace)
    {
        ArgumentNullException.ThrowIfNull(trace);
        foreach (var h in _hosts)
        {
            var main = h.Process.Main;
            for (var b = 0; b < h.Buffers.Length; b++)
            {
                trace.Mmap(main, h.Buffers[b], Prot.Read | Prot.Write);
                trace.Write(main, h.Buffers[b]); // fill the buffer before registering it
                if (IsDontFork(b))
                {
                    trace.Madvise(main, h.Buffers[b], Advice.DontFork);
                }

                trace.Pin(main, h.Buffers[b], MrFlags);
            }

            h.UntilChurn = Context.Interval(Options.ChurnEvery);
        }
    }

    public override void Step(TraceBuilder trace)
    {
        ArgumentNullException.ThrowIfNull(trace);
        var h = _hosts[Random.Next(_hosts.Length)];
        if (h.Child is { } child && Context.Chance(0.2))
        {
            if (--h.ChildSteps == 0)
            {
                trace.Exit(child);
                h.Child = null;
            }
            else
            {
                // Only non-DONTFORK buffers exist in the child.
                var b = (2 * Random.Next(h.Buffers.Length / 2)) + 1;
                trace.Read(child, h.Buffers[b].Slice(Random.Next(h.Buffers[b].Pages), 1));
            }

            return;
        }

        if (--h.UntilChurn == 0)
        {
            h.UntilChurn = Context.Interval(Options.ChurnEvery);
            if (h.Child is null && Context.Chance(0.75))
            {
                var pid = Context.NewPid();
                trace.Fork(h.Process.AnyThread(Random), pid);
                h.Child = new Actor(Context.NextCpu(), pid, pid);
                h.ChildSteps = Context.Interval(8);
            }
            else
            {
                var b = Random.Next(h.Buffers.Length); // ibv_dereg_mr + ibv_reg_mr
                trace.Unpin(h.Process.Main, h.Buffers[b]);
                trace.Pin(h.Process.Main, h.Buffers[b], MrFlags);
            }

            return;
        }

        var u = Random.NextDouble();
        if (u < 0.5)
        {
            var page = h.Pages.Next();
            var buffer = h.Buffers[page / h.Buffers[0].Pages];
            CpuAccess(trace, h.Process.AnyThread(Random), buffer.Slice(page % buffer.Pages, 1));
        }
        else
        {
            // The NIC: a completion's worth of pages in one registered buffer.
            var run = RandomRun(h.Buffers[Random.Next(h.Buffers.Length)], 4);
            if (u < 0.75)
            {
                trace.DmaWrite(h.Process.Main, run);
            }
            else
            {
                trace.DmaRead(h.Process.Main, run);
            }
        }
    }

    public override void Finish(TraceBuilder trace)
    {
        ArgumentNullException.ThrowIfNull(trace);
        foreach (var h in _hosts)
        {
            if (h.Child is { } child)
            {
                trace.Exit(child);
                h.Child = null;
            }

            foreach (var buffer in h.Buffers)
            {
                trace.Unpin(h.Process.Main, buffer);
                trace.Munmap(h.Process.Main, buffer);
            }
        }
    }

    private sealed class Host(SimProcess process, Region[] buffers, ZipfSampler pages)
    {
        public SimProcess Process { get; } = process;

        public Region[] Buffers { get; } = buffers;

        public ZipfSampler Pages { get; } = pages;

        public Actor? Child { get; set; }

        public int ChildSteps { get; set; }

        public int UntilChurn { get; set; }
    }
}
