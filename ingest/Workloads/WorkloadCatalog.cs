namespace MmReplay.Ingest.Workloads;

/// <summary>The named workload models of `mmreplay gen` (docs/workloads.md).</summary>
public static class WorkloadCatalog
{
    public const string CriuDump = "criu-dump";
    public const string LiveMigration = "live-migration";
    public const string RdmaPinFork = "rdma-pin-fork";
    public const string GpuSvm = "gpu-svm";
    public const string Ksm = "ksm";
    public const string NumaBalancing = "numa-balancing";
    public const string MunmapStorm = "munmap-storm";
    public const string Mixed = "mixed";

    public static IReadOnlyList<string> Names { get; } = [CriuDump, LiveMigration, RdmaPinFork, GpuSvm, Ksm, NumaBalancing, MunmapStorm, Mixed];

    public static bool IsKnown(string? name)
    {
        foreach (var n in Names)
        {
            if (n == name)
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>One line per workload for help texts.</summary>
    public static string Describe(string name) => name switch
    {
        CriuDump => "Zipf working set with periodic pagemap + clear_refs 4 rounds (CRIU incremental dumps)",
        LiveMigration => "guest writes (CPU and KVM device) with uffd_wp + pagemap_scan dirty rounds",
        RdmaPinFork => "longterm write pins, DMA, forks with and without MADV_DONTFORK",
        GpuSvm => "ATS device sharing the page table while the CPU forks, munmaps and migrates",
        Ksm => "mergeable guest RAM, ksm_merge passes, writes to merged pages",
        NumaBalancing => "numa_hint scans over a KVM guest reached through the device TLB",
        MunmapStorm => "threads on several CPUs mapping, touching and unmapping",
        Mixed => "a weighted mix of the others, each with its own processes",
        _ => throw new ArgumentException($"unknown workload '{name}'", nameof(name)),
    };

    /// <summary>A workload's processes when --processes is not given.</summary>
    public static int DefaultProcesses(string name) => name == Ksm ? 2 : 1;

    public static Workload Create(string name, WorkloadContext context, int? processes)
    {
        var n = processes ?? DefaultProcesses(name);
        return name switch
        {
            CriuDump => new CriuDumpWorkload(context, n),
            LiveMigration => new LiveMigrationWorkload(context, n),
            RdmaPinFork => new RdmaPinForkWorkload(context, n),
            GpuSvm => new GpuSvmWorkload(context, n),
            Ksm => new KsmWorkload(context, n),
            NumaBalancing => new NumaBalancingWorkload(context, n),
            MunmapStorm => new MunmapStormWorkload(context, n),
            Mixed => new MixedWorkload(context, processes),
            _ => throw new ArgumentException($"unknown workload '{name}'", nameof(name)),
        };
    }
}
