namespace MmReplay.Ingest.Workloads;

/// <summary>
/// KSM between KVM guests: each guest's RAM is MADV_MERGEABLE and mirrored by a kvm secondary MMU. At boot every
/// page gets content, most of it from a few common values (the same OS image, zeroed pages), the rest unique. ksmd
/// passes every ~--round-every accesses merge pages of equal content at the same offset in two guests (ksm_merge);
/// guests keep reading and writing (through the device TLB with --device-ratio, else from VMM threads), and a write
/// to a merged page breaks it (COW on a KSM page; write-protect notifications to the secondary MMU). Content is
/// tracked so only equal pages are merged; writes carry explicit values.
/// </summary>
public sealed class KsmWorkload : Workload
{
    /// <summary>Distinct common contents (1..N); unique contents are above <see cref="UniqueBase"/>.</summary>
    public const int CommonContents = 8;

    public const ulong UniqueBase = 1UL << 32;
    private const int CandidatesPerPass = 32;
    private readonly Guest[] _guests;
    private ulong _nextUnique = UniqueBase;
    private int _untilPass;

    public KsmWorkload(WorkloadContext context, int processes)
        : base(context)
    {
        _guests = new Guest[processes];
        for (var i = 0; i < processes; i++)
        {
            _guests[i] = new Guest(context);
        }

        _untilPass = context.Interval(Options.RoundEvery);
    }

    public override void Start(TraceBuilder trace)
    {
        ArgumentNullException.ThrowIfNull(trace);
        foreach (var g in _guests)
        {
            var vmm = g.Process.Main;
            trace.Mmap(vmm, g.Memory, Prot.Read | Prot.Write);
            trace.Madvise(vmm, g.Memory, Advice.Mergeable);
            g.Attach(trace, DeviceKind.Kvm);
            for (var i = 0; i < g.Memory.Pages; i++)
            {
                g.Content[i] = Context.Chance(0.7) ? Common(i) : _nextUnique++; // boot: the image, or private data
                trace.Write(vmm, g.Memory.Slice(i, 1), g.Content[i]);
            }
        }
    }

    public override void Step(TraceBuilder trace)
    {
        ArgumentNullException.ThrowIfNull(trace);
        if (--_untilPass == 0)
        {
            Pass(trace);
            _untilPass = Context.Interval(Options.RoundEvery);
            return;
        }

        var g = _guests[Random.Next(_guests.Length)];
        var index = g.Pages.Next();
        var page = g.Memory.Slice(index, 1);
        var vcpu = g.Process.AnyThread(Random);
        var device = Context.Chance(Options.DeviceRatio);
        if (!Context.Chance(Options.WriteRatio))
        {
            if (device)
            {
                trace.DevRead(vcpu, g.Device, page);
            }
            else
            {
                trace.Read(vcpu, page);
            }

            return;
        }

        // A guest rewrites a page: back to common content (zeroing, reloading a library) or something new.
        g.Content[index] = Context.Chance(0.3) ? Common(index) : _nextUnique++;
        g.Merged[index] = false;
        if (device)
        {
            trace.DevWrite(vcpu, g.Device, page, g.Content[index]);
        }
        else
        {
            trace.Write(vcpu, page, g.Content[index]);
        }
    }

    public override void Finish(TraceBuilder trace)
    {
        ArgumentNullException.ThrowIfNull(trace);
        foreach (var g in _guests)
        {
            g.Detach(trace);
        }
    }

    /// <summary>The common content a page at this offset has in every guest's image.</summary>
    private static ulong Common(int index) => 1 + (ulong)(index % CommonContents);

    /// <summary>One ksmd pass: look at a few random pages and merge those whose twin in another guest has equal content.</summary>
    private void Pass(TraceBuilder trace)
    {
        for (var k = 0; k < CandidatesPerPass; k++)
        {
            var a = _guests[Random.Next(_guests.Length)];
            var b = _guests[Random.Next(_guests.Length)];
            var i = Random.Next(a.Memory.Pages);
            if (a == b || a.Merged[i] || a.Content[i] != b.Content[i])
            {
                continue;
            }

            trace.KsmMerge(a.Process.Main, a.Memory.Page(i), b.Process.Pid, b.Memory.Page(i));
            a.Merged[i] = true;
            b.Merged[i] = true;
        }
    }

    private sealed class Guest(WorkloadContext context) : Tenant(context, "kvm")
    {
        public ulong[] Content { get; } = new ulong[context.Options.Pages];

        public bool[] Merged { get; } = new bool[context.Options.Pages];
    }
}
