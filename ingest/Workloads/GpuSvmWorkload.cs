namespace MmReplay.Ingest.Workloads;

/// <summary>
/// Shared virtual memory with a GPU (SVA/ATS, or a HMM-style mirror): the device is a page-table-sharing secondary
/// MMU (dev_attach kind=ats) that reads and writes the process's heap (--device-ratio of accesses) while CPU threads
/// do the same. The CPU side churns every ~--churn-every accesses: a fork whose child lives a while (so parent
/// writes take COW faults), a munmap of a 16-page chunk (re-mapped when next touched, as an allocator would), or a
/// NUMA/compaction migration of a short run. Question: how many device invalidations each change costs
/// (notifications, redundant ones) and whether the device can see writes out of order.
/// </summary>
public sealed class GpuSvmWorkload : Workload
{
    public const int ChunkPages = 16;
    private readonly SvmProcess[] _contexts;

    public GpuSvmWorkload(WorkloadContext context, int processes)
        : base(context)
    {
        _contexts = new SvmProcess[processes];
        for (var i = 0; i < processes; i++)
        {
            _contexts[i] = new SvmProcess(context);
        }
    }

    public override void Start(TraceBuilder trace)
    {
        ArgumentNullException.ThrowIfNull(trace);
        foreach (var c in _contexts)
        {
            trace.Mmap(c.Process.Main, c.Memory, Prot.Read | Prot.Write);
            c.Attach(trace, DeviceKind.Ats);
        }
    }

    public override void Step(TraceBuilder trace)
    {
        ArgumentNullException.ThrowIfNull(trace);
        var c = _contexts[Random.Next(_contexts.Length)];
        if (c.Child is { } child && --c.ChildSteps == 0)
        {
            trace.Exit(child);
            c.Child = null;
            return;
        }

        if (--c.UntilChurn == 0)
        {
            c.UntilChurn = Context.Interval(Options.ChurnEvery);
            Churn(trace, c);
            return;
        }

        var index = c.Pages.Next();
        var chunk = index / ChunkPages;
        var thread = c.Process.AnyThread(Random);
        if (!c.Mapped[chunk])
        {
            trace.Mmap(thread, ChunkOf(c, chunk), Prot.Read | Prot.Write); // the allocator maps it again
            c.Mapped[chunk] = true;
        }

        GuestAccess(trace, thread, c, c.Memory.Slice(index, 1));
    }

    public override void Finish(TraceBuilder trace)
    {
        ArgumentNullException.ThrowIfNull(trace);
        foreach (var c in _contexts)
        {
            if (c.Child is { } child)
            {
                trace.Exit(child);
                c.Child = null;
            }

            c.Detach(trace);
            trace.Munmap(c.Process.Main, c.Memory);
        }
    }

    private void Churn(TraceBuilder trace, SvmProcess c)
    {
        var thread = c.Process.AnyThread(Random);
        var chunk = Random.Next(c.Mapped.Length);
        var u = Random.NextDouble();
        if (u < 1.0 / 3 && c.Child is null)
        {
            var pid = Context.NewPid();
            trace.Fork(thread, pid);
            c.Child = new Actor(Context.NextCpu(), pid, pid);
            c.ChildSteps = Context.Interval(Options.ChurnEvery / 2);
        }
        else if (u < 2.0 / 3 && c.Mapped[chunk])
        {
            trace.Munmap(thread, ChunkOf(c, chunk));
            c.Mapped[chunk] = false;
        }
        else if (c.Mapped[chunk])
        {
            trace.Migrate(thread, RandomRun(ChunkOf(c, chunk), ChunkPages));
        }
    }

    private static Region ChunkOf(SvmProcess c, int chunk)
    {
        var first = chunk * ChunkPages;
        return c.Memory.Slice(first, Math.Min(ChunkPages, c.Memory.Pages - first));
    }

    private sealed class SvmProcess(WorkloadContext context) : Tenant(context, "gpu")
    {
        /// <summary>Chunks currently mapped (all at first; a munmapped chunk is mapped again when next touched).</summary>
        public bool[] Mapped { get; } = Filled((context.Options.Pages + ChunkPages - 1) / ChunkPages);

        public Actor? Child { get; set; }

        public int ChildSteps { get; set; }

        private static bool[] Filled(int n)
        {
            var a = new bool[n];
            Array.Fill(a, true);
            return a;
        }
    }
}
