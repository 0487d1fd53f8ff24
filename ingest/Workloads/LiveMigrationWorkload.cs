namespace MmReplay.Ingest.Workloads;

/// <summary>
/// Pre-copy live migration with userfaultfd write-protect dirty tracking (QEMU's uffd-wp / PAGEMAP_SCAN path): the
/// VMM registers guest RAM and write-protects it (uffd_wp async), vCPUs write through KVM's secondary MMU
/// (dev_* on a kvm device, --device-ratio) or from VMM threads (CPU accesses), and every ~--round-every accesses the
/// migration thread collects and re-protects the written pages (pagemap_scan want=written clear=1). At the end: the
/// stop-and-copy scan, tracking off, the device detached and the source VMM exits.
/// </summary>
public sealed class LiveMigrationWorkload : Workload
{
    private readonly Tenant[] _guests;

    public LiveMigrationWorkload(WorkloadContext context, int processes)
        : base(context)
    {
        _guests = new Tenant[processes];
        for (var i = 0; i < processes; i++)
        {
            _guests[i] = new Tenant(context, "kvm");
        }
    }

    public override void Start(TraceBuilder trace)
    {
        ArgumentNullException.ThrowIfNull(trace);
        foreach (var g in _guests)
        {
            trace.Mmap(g.Process.Main, g.Memory, Prot.Read | Prot.Write);
            g.Attach(trace, DeviceKind.Kvm);
            trace.UffdWp(g.Process.Main, g.Memory, enable: true, async: true);
        }
    }

    public override void Step(TraceBuilder trace)
    {
        ArgumentNullException.ThrowIfNull(trace);
        var g = _guests[Random.Next(_guests.Length)];
        if (--g.UntilRound == 0)
        {
            trace.PagemapScan(g.Process.Main, g.Memory, clear: true);
            g.UntilRound = Context.Interval(Options.RoundEvery);
            return;
        }

        GuestAccess(trace, g.Process.AnyThread(Random), g, g.NextPage());
    }

    public override void Finish(TraceBuilder trace)
    {
        ArgumentNullException.ThrowIfNull(trace);
        foreach (var g in _guests)
        {
            var vmm = g.Process.Main;
            trace.PagemapScan(vmm, g.Memory, clear: true); // stop-and-copy: the last dirty set
            trace.UffdWp(vmm, g.Memory, enable: false, async: true);
            g.Detach(trace);
            trace.Exit(vmm);
        }
    }
}
