using MmReplay.Ingest.Workloads;

namespace MmReplay.Ingest.Tests.Workloads;

/// <summary>The traces in traces/samples/ are exactly what the commands in docs/workloads.md generate.</summary>
public sealed class SampleTraceTests
{
    public static TheoryData<string, WorkloadOptions> Samples() => new()
    {
        // mmreplay gen --workload criu-dump --seed 1 --events 1000 --pages 64 --cpus 2 --round-every 100 --churn-every 300
        { "criu-dump.csv", new() { Workload = WorkloadCatalog.CriuDump, Seed = 1, Events = 1000, Pages = 64, Cpus = 2, RoundEvery = 100, ChurnEvery = 300 } },
        // mmreplay gen --workload rdma-pin-fork --seed 2 --events 800 --pages 64 --cpus 2 --churn-every 60
        { "rdma-pin-fork.csv", new() { Workload = WorkloadCatalog.RdmaPinFork, Seed = 2, Events = 800, Pages = 64, Cpus = 2, ChurnEvery = 60 } },
        // mmreplay gen --workload gpu-svm --seed 3 --events 1500 --pages 64 --cpus 4 --churn-every 50
        { "gpu-svm.csv", new() { Workload = WorkloadCatalog.GpuSvm, Seed = 3, Events = 1500, Pages = 64, Cpus = 4, ChurnEvery = 50 } },
        // mmreplay gen --workload munmap-storm --seed 4 --events 1500 --threads 4 --cpus 4
        { "munmap-storm.csv", new() { Workload = WorkloadCatalog.MunmapStorm, Seed = 4, Events = 1500, Threads = 4, Cpus = 4 } },
        // mmreplay gen --workload mixed --seed 5 --events 3000 --pages 32 --cpus 4 --round-every 100 --churn-every 80
        { "mixed.csv", new() { Workload = WorkloadCatalog.Mixed, Seed = 5, Events = 3000, Pages = 32, Cpus = 4, RoundEvery = 100, ChurnEvery = 80 } },
    };

    [Theory]
    [MemberData(nameof(Samples))]
    public void Shipped_sample_is_what_its_documented_command_generates(string file, WorkloadOptions options)
    {
        var shipped = Path.Combine(RepoRoot(), "traces", "samples", file);
        using var dir = new TempDir();
        var fresh = dir.File(file);
        Generated.ToFile(options, fresh);
        Assert.True(File.ReadAllBytes(shipped).AsSpan().SequenceEqual(File.ReadAllBytes(fresh)), $"{shipped} differs from what its command in docs/workloads.md generates now");
    }

    private static string RepoRoot()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "Pipeline.sln")))
        {
            dir = dir.Parent;
        }

        return dir?.FullName ?? throw new InvalidOperationException("Pipeline.sln not found above " + AppContext.BaseDirectory);
    }
}
