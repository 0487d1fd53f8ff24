using System.Diagnostics;
using System.Globalization;
using MmReplay.Analyze.Runs;
using MmReplay.Ingest;
using MmReplay.Ingest.Workloads;
using MmReplay.Replay;

namespace MmReplay.Bench;

/// <summary>
/// `fanout`: one trace under K = 4 policies (one parse, four replays) against the same trace under one
/// policy, in one run, as a wall-time ratio. Goal (issue 8): at most 1.3x, because the parse is shared.
/// </summary>
public sealed class PolicyFanOutBench : IBenchSuite
{
    private static readonly string[] Policies = ["linux-4.14", "linux-4.15", "linux-5.10", "latest"];

    public string Name => "fanout";

    public string Description => "one trace under 4 policies vs 1 policy (shared parse): wall-time ratio";

    public async Task<IReadOnlyList<string>> RunAsync(string work, CancellationToken cancel)
    {
        var events = long.Parse(Environment.GetEnvironmentVariable("MMREPLAY_BENCH_EVENTS") ?? "2000000", CultureInfo.InvariantCulture);
        var trace = Path.Combine(work, $"fanout-mixed-{events}.csv");
        if (!File.Exists(trace))
        {
            using var generated = new WorkloadTrace(new WorkloadOptions { Workload = "mixed", Seed = 1, Events = events });
            await TraceConverter.WriteAsync(generated, trace, 8, cancel);
        }

        await RunAsync(trace, work, Policies[..1], cancel); // warm-up (JIT)
        var one = new List<double>();
        var four = new List<double>();
        for (var i = 0; i < 3; i++)
        {
            one.Add(await RunAsync(trace, work, Policies[..1], cancel));
            four.Add(await RunAsync(trace, work, Policies, cancel));
        }

        one.Sort();
        four.Sort();
        var size = new FileInfo(trace).Length / 1e6;
        return
        [
            string.Create(CultureInfo.InvariantCulture, $"trace: mixed, {events} events, {size:0} MB CSV; median of 3 after a warm-up"),
            string.Create(CultureInfo.InvariantCulture, $"1 policy : {one[1]:0.00} s"),
            string.Create(CultureInfo.InvariantCulture, $"4 policies: {four[1]:0.00} s"),
            string.Create(CultureInfo.InvariantCulture, $"ratio 4/1: {four[1] / one[1]:0.00}x (goal <= 1.3x)"),
            string.Create(CultureInfo.InvariantCulture, $"load average after measuring: {File.ReadAllText("/proc/loadavg").Trim()}"),
        ];
    }

    private static async Task<double> RunAsync(string trace, string work, string[] policies, CancellationToken cancel)
    {
        var targets = new List<ReplayTarget>();
        foreach (var policy in policies)
        {
            targets.Add(new ReplayTarget(KernelPolicy.Preset(policy), Path.Combine(work, "fanout-out", policy)));
        }

        var clock = Stopwatch.StartNew();
        await ReplayRun.RunAsync(
            new ReplayRunOptions { TracePath = trace, Targets = targets, RejectsPath = Path.Combine(work, "fanout-out", "rejects.csv"), Parallelism = 1, WriteTiming = false },
            cancel);
        return clock.Elapsed.TotalSeconds;
    }
}
