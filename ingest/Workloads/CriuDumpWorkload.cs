namespace MmReplay.Ingest.Workloads;

/// <summary>
/// CRIU incremental dumps (criu pre-dump / dump --track-mem): a process writes a Zipf-distributed working set while
/// the dumper, every ~--round-every accesses, reads /proc/PID/pagemap over the heap (the pages whose soft-dirty bit
/// is set are dumped) and writes 4 to clear_refs to start the next interval. Every ~--churn-every accesses a short
/// run of the heap is freed and allocated again (munmap + mmap), as malloc does with large chunks. Question:
/// soft-dirty accuracy.
/// </summary>
public sealed class CriuDumpWorkload : Workload
{
    private readonly Tenant[] _dumpees;

    public CriuDumpWorkload(WorkloadContext context, int processes)
        : base(context)
    {
        _dumpees = new Tenant[processes];
        for (var i = 0; i < processes; i++)
        {
            _dumpees[i] = new Tenant(context, devicePrefix: null);
        }
    }

    public override void Start(TraceBuilder trace)
    {
        ArgumentNullException.ThrowIfNull(trace);
        foreach (var d in _dumpees)
        {
            trace.Mmap(d.Process.Main, d.Memory, Prot.Read | Prot.Write);
            trace.ClearRefs(d.Process.Main, 4); // the pre-dump baseline: tracking starts clean
        }
    }

    public override void Step(TraceBuilder trace)
    {
        ArgumentNullException.ThrowIfNull(trace);
        var d = _dumpees[Random.Next(_dumpees.Length)];
        if (--d.UntilRound == 0)
        {
            trace.Pagemap(d.Process.Main, d.Memory);
            trace.ClearRefs(d.Process.Main, 4);
            d.UntilRound = Context.Interval(Options.RoundEvery);
            return;
        }

        if (--d.UntilChurn == 0)
        {
            // free + malloc of a large chunk: unmapped, then mapped afresh (a new VMA: VM_SOFTDIRTY until the next
            // clear_refs). Not MADV_DONTNEED yet: the model loops on a range ending inside a VMA (docs/workloads.md).
            var thread = d.Process.AnyThread(Random);
            var run = RandomRun(d.Memory, 16);
            trace.Munmap(thread, run);
            trace.Mmap(thread, run, Prot.Read | Prot.Write);
            d.UntilChurn = Context.Interval(Options.ChurnEvery);
            return;
        }

        CpuAccess(trace, d.Process.AnyThread(Random), d.NextPage());
    }

    public override void Finish(TraceBuilder trace)
    {
        ArgumentNullException.ThrowIfNull(trace);
        foreach (var d in _dumpees)
        {
            trace.Pagemap(d.Process.Main, d.Memory); // the final dump
        }
    }
}
