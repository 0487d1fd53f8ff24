using System.Globalization;
using MmReplay.Ingest.Workloads;

namespace MmReplay.Ingest.Tests.Workloads;

/// <summary>Generates workload traces for the tests: in memory, or to a file through the same path `mmreplay gen` takes.</summary>
internal static class Generated
{
    /// <summary>Seeds to run; MMREPLAY_TEST_SEED=N replays one.</summary>
    public static int[] Seeds()
    {
        var one = Environment.GetEnvironmentVariable("MMREPLAY_TEST_SEED");
        return one is null ? [1, 2, 3] : [int.Parse(one, CultureInfo.InvariantCulture)];
    }

    /// <summary>Every workload at every seed.</summary>
    public static TheoryData<string, int> WorkloadsAndSeeds()
    {
        var data = new TheoryData<string, int>();
        foreach (var name in WorkloadCatalog.Names)
        {
            foreach (var seed in Seeds())
            {
                data.Add(name, seed);
            }
        }

        return data;
    }

    public static TheoryData<string> Workloads() => new(WorkloadCatalog.Names);

    /// <summary>Small traces that still run every part of each workload (rounds and churn come every few dozen steps).</summary>
    public static WorkloadOptions Options(string workload, int seed, long events = 3_000) => new()
    {
        Workload = workload,
        Seed = seed,
        Events = events,
        Pages = 64,
        Threads = 3,
        Cpus = 4,
        RoundEvery = 60,
        ChurnEvery = 40,
        BatchSize = 500,
    };

    public static (List<TraceEvent> Events, IReadOnlyList<string> Devices) InMemory(WorkloadOptions options)
    {
        using var trace = new WorkloadTrace(options);
        var events = TraceReaders.ReadAllAsync(trace).GetAwaiter().GetResult();
        return (events, trace.Info.DeviceNames);
    }

    public static void ToFile(WorkloadOptions options, string path)
    {
        using var trace = new WorkloadTrace(options);
        TraceConverter.WriteAsync(trace, path, 4, CancellationToken.None).GetAwaiter().GetResult();
    }
}
