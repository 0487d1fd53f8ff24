using System.Diagnostics;
using System.Globalization;
using System.Threading.Channels;
using MmReplay.Analyze;
using MmReplay.Analyze.Flushes;
using MmReplay.Analyze.Runs;
using MmReplay.Ingest;
using MmReplay.Ingest.Workloads;
using MmReplay.Replay;

namespace MmReplay.Bench;

/// <summary>
/// `fanout`: one trace under K = 4 policies (one parse, four replays) against the same trace under one
/// policy, in one run, as a wall-time ratio. Goal (issue 8): at most 1.3x, because the parse is shared.
/// It also prints the CPU each part costs (the parse alone; each extra policy), and the best ratio those costs
/// allow on this machine's cores: four policies' replays must fit beside one parse. Measured twice: with every
/// analyzer of a dataset, and with the TLB-flush analyzer alone (what a flush-count study attaches).
/// </summary>
public sealed class PolicyFanOutBench : IBenchSuite
{
    private static readonly string[] Policies = ["linux-4.14", "linux-4.15", "linux-5.10", "latest"];

    public string Name => "fanout";

    public string Description => "one trace under 4 policies vs 1 policy (shared parse): wall-time ratio";

    public async Task<IReadOnlyList<string>> RunAsync(string work, CancellationToken cancel)
    {
        var events = long.Parse(Environment.GetEnvironmentVariable("MMREPLAY_BENCH_EVENTS") ?? "2000000", CultureInfo.InvariantCulture);
        var mixed = Path.Combine(work, $"fanout-mixed-{events}.csv");
        if (!File.Exists(mixed))
        {
            using var generated = new WorkloadTrace(new WorkloadOptions { Workload = "mixed", Seed = 1, Events = events });
            await TraceConverter.WriteAsync(generated, mixed, 8, cancel);
        }

        var representative = Path.Combine(work, $"fanout-representative-{events}.csv");
        if (!File.Exists(representative))
        {
            using var generated = new ReplayWorkloadTrace(new ReplayWorkload(events, seed: 42, sliceEvents: 256, zipfian: true), "bench:representative");
            await TraceConverter.WriteAsync(generated, representative, 8, cancel);
        }

        var lines = new List<string>();
        foreach (var (trace, what) in new[]
        {
            (mixed, "gen mixed: every op of every workload, flush-heavy (0.8 tlb_flushes rows per event)"),
            (representative, "the replay bench's representative mix: Zipfian pages, time slices (0.01 tlb_flushes rows per event)"),
        })
        {
            lines.Add(string.Create(CultureInfo.InvariantCulture, $"trace: {what}; {events} events, {new FileInfo(trace).Length / 1e6:0} MB CSV; median of 3 after a warm-up"));
            lines.AddRange(await MeasureAsync(trace, work, "all six analyzers (every table of a dataset)", AnalyzerSet.Create, cancel));
            lines.AddRange(await MeasureAsync(trace, work, "the TLB-flush analyzer alone", run => [new TlbFlushAnalyzer(run)], cancel));
        }

        lines.Add(string.Create(CultureInfo.InvariantCulture, $"load average after measuring: {File.ReadAllText("/proc/loadavg").Trim()}"));
        return lines;
    }

    /// <summary>
    /// One policy against four on the same trace with <paramref name="analyzers"/> attached to each replay, and the
    /// parse alone: how much each policy adds, and the best ratio those CPU costs allow on this machine.
    /// </summary>
    private static async Task<List<string>> MeasureAsync(string trace, string work, string what, Func<RunContext, List<IAnalyzer>> analyzers, CancellationToken cancel)
    {
        await RunAsync(trace, work, Policies[..1], analyzers, cancel); // warm-up (JIT)
        var one = new List<(double Wall, double Cpu)>();
        var four = new List<(double Wall, double Cpu)>();
        var parse = new List<(double Wall, double Cpu)>();
        for (var i = 0; i < 3; i++)
        {
            parse.Add(await ParseAsync(trace, cancel));
            one.Add(await RunAsync(trace, work, Policies[..1], analyzers, cancel));
            four.Add(await RunAsync(trace, work, Policies, analyzers, cancel));
        }

        one.Sort();
        four.Sort();
        parse.Sort();
        var p = parse[1].Cpu;
        var r = (four[1].Cpu - one[1].Cpu) / (Policies.Length - 1); // one policy's replay and analyzers
        var k = Policies.Length;
        var cores = Environment.ProcessorCount;
        return
        [
            "with " + what + ":",
            string.Create(CultureInfo.InvariantCulture, $"  1 policy : {one[1].Wall:0.00} s (CPU {one[1].Cpu:0.00} s)"),
            string.Create(CultureInfo.InvariantCulture, $"  4 policies: {four[1].Wall:0.00} s (CPU {four[1].Cpu:0.00} s)"),
            string.Create(CultureInfo.InvariantCulture, $"  ratio 4/1: {four[1].Wall / one[1].Wall:0.00}x (goal <= 1.3x)"),
            string.Create(CultureInfo.InvariantCulture, $"  parse alone: {parse[1].Wall:0.00} s (CPU {p:0.00} s); each policy adds CPU {r:0.00} s = {r / p:0.00}x the parse"),
            string.Create(CultureInfo.InvariantCulture, $"  best ratio these CPU costs allow: {Bound(p, r, k, cores):0.00}x on {cores} cores, {Bound(p, r, k, 8):0.00}x on 8; 1.3x on {cores} cores needs each policy <= {((1.3 * cores) - 1) * p / k:0.00} CPU s (the parse then sets the pace)"),
        ];
    }

    /// <summary>
    /// The best wall-time ratio K policies can reach against one on C cores, from CPU costs alone: the parse p is
    /// one thread; the replays (r CPU each) fill the cores beside it. Ideal packing, no overhead.
    /// </summary>
    private static double Bound(double p, double r, int k, int cores) =>
        Math.Max(p, (p + (k * r)) / cores) / Math.Max(p, (p + r) / cores);

    /// <summary>The parse alone, as the replays get it (one thread, batches handed over a channel).</summary>
    private static async Task<(double Wall, double Cpu)> ParseAsync(string trace, CancellationToken cancel)
    {
        var cpu = Environment.CpuUsage.TotalTime;
        var clock = Stopwatch.StartNew();
        using var reader = TraceReaders.Open(trace, TraceReaderOptions.Default with { Parallelism = 1 }, null);
        var channel = Channel.CreateBounded<EventBatch>(8);
        var reading = reader.ReadAsync(channel.Writer, cancel);
        await foreach (var batch in channel.Reader.ReadAllAsync(cancel))
        {
            batch.Release();
        }

        await reading;
        return (clock.Elapsed.TotalSeconds, (Environment.CpuUsage.TotalTime - cpu).TotalSeconds);
    }

    private static async Task<(double Wall, double Cpu)> RunAsync(string trace, string work, string[] policies, Func<RunContext, List<IAnalyzer>> analyzers, CancellationToken cancel)
    {
        var targets = new List<ReplayTarget>();
        foreach (var policy in policies)
        {
            targets.Add(new ReplayTarget(KernelPolicy.Preset(policy), Path.Combine(work, "fanout-out", policy)));
        }

        var cpu = Environment.CpuUsage.TotalTime;
        var clock = Stopwatch.StartNew();
        await ReplayRun.RunAsync(
            new ReplayRunOptions { TracePath = trace, Targets = targets, RejectsPath = Path.Combine(work, "fanout-out", "rejects.csv"), Parallelism = 1, WriteTiming = false, Analyzers = analyzers },
            cancel);
        return (clock.Elapsed.TotalSeconds, (Environment.CpuUsage.TotalTime - cpu).TotalSeconds);
    }
}
