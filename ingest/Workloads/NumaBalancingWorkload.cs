namespace MmReplay.Ingest.Workloads;

/// <summary>
/// Automatic NUMA balancing over a KVM guest: guest RAM is populated at boot and mirrored by a kvm secondary MMU.
/// Every ~--round-every accesses task_numa_work marks the next quarter of RAM protnone (numa_hint; the scan window
/// moves round the region). The guest reaches memory through the device TLB (--device-ratio: KVM's GUP on a protnone
/// PTE, FOLL_NUMA / hint-fault behaviour) or from VMM threads (CPU hint faults); a CPU access inside the last scanned
/// window migrates that page a quarter of the time (the misplaced-page migration a hint fault triggers).
/// </summary>
public sealed class NumaBalancingWorkload : Workload
{
    private readonly Guest[] _guests;

    public NumaBalancingWorkload(WorkloadContext context, int processes)
        : base(context)
    {
        _guests = new Guest[processes];
        for (var i = 0; i < processes; i++)
        {
            _guests[i] = new Guest(context);
        }
    }

    public override void Start(TraceBuilder trace)
    {
        ArgumentNullException.ThrowIfNull(trace);
        foreach (var g in _guests)
        {
            trace.Mmap(g.Process.Main, g.Memory, Prot.Read | Prot.Write);
            trace.Write(g.Process.Main, g.Memory); // the guest boots: all of RAM touched
            g.Attach(trace, DeviceKind.Kvm);
        }
    }

    public override void Step(TraceBuilder trace)
    {
        ArgumentNullException.ThrowIfNull(trace);
        var g = _guests[Random.Next(_guests.Length)];
        if (--g.UntilRound == 0)
        {
            var window = Math.Max(1, g.Memory.Pages / 4);
            g.LastScan = g.Memory.Slice(g.ScanPosition, Math.Min(window, g.Memory.Pages - g.ScanPosition));
            trace.NumaHint(g.Process.Main, g.LastScan);
            g.ScanPosition = (g.ScanPosition + g.LastScan.Pages) % g.Memory.Pages;
            g.UntilRound = Context.Interval(Options.RoundEvery);
            return;
        }

        var page = g.NextPage();
        var vcpu = g.Process.AnyThread(Random);
        if (Context.Chance(Options.DeviceRatio))
        {
            DeviceAccess(trace, vcpu, g.Device, page);
            return;
        }

        CpuAccess(trace, vcpu, page);
        if (page.Start >= g.LastScan.Start && page.Start < g.LastScan.End && Context.Chance(0.25))
        {
            trace.Migrate(vcpu, page);
        }
    }

    public override void Finish(TraceBuilder trace)
    {
        foreach (var g in _guests)
        {
            g.Detach(trace);
        }
    }

    private sealed class Guest(WorkloadContext context) : Tenant(context, "kvm")
    {
        public int ScanPosition { get; set; }

        public Region LastScan { get; set; }
    }
}
