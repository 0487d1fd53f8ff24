using System.Diagnostics;
using System.Globalization;
using MmReplay.Analyze;
using MmReplay.Analyze.Flushes;
using MmReplay.Ingest;
using MmReplay.Replay;
using MmReplay.Replay.Engine;

namespace MmReplay.Bench;

/// <summary>
/// `replay`: 10 M generated events through Machine.Apply under one preset, first into a counting sink (the
/// model alone), then into effect batches observed by the TLB-flush analyzer. Reports events/s and the bytes
/// allocated on the replay thread (the loop must allocate nothing per event).
/// </summary>
public sealed class ReplayBench : IBenchSuite
{
    private const int CycleEvents = 500_000;
    private const int Cycles = 20;

    public string Name => "replay";

    public string Description => "10 M generated events through Machine.Apply (preset latest): events/s, bytes allocated";

    public Task<IReadOnlyList<string>> RunAsync(string work, CancellationToken cancel)
    {
        var cycle = ReplayWorkload.Cycle(CycleEvents, seed: 42);
        var policy = KernelPolicy.Preset("latest");
        var lines = new List<string>();

        // Warm-up: one cycle on the machine that is then measured (JIT, and its tables grow to the trace's size;
        // the cycle ends with everything unmapped, so the measured cycles start from the same state).
        var counting = new CountingSink();
        var measured = new Machine(policy, new MachineConfig());
        Replay(measured, cycle, 1, counting);
        Array.Clear(counting.ByKind);
        var cpu0 = Process.GetCurrentProcess().TotalProcessorTime;
        var (seconds, bytes) = Replay(measured, cycle, Cycles, counting);
        var cpu = (Process.GetCurrentProcess().TotalProcessorTime - cpu0).TotalSeconds;
        var total = (long)CycleEvents * Cycles;
        lines.Add(Line("counting sink", total, seconds, bytes, counting.ByKind.Sum()) + string.Create(CultureInfo.InvariantCulture, $" cpu_seconds={cpu:F2} events/cpu-s={total / cpu / 1e6:F2}M"));

        var dir = Path.Combine(work, "replay-bench");
        Directory.CreateDirectory(dir);
        using var analyzer = new TlbFlushAnalyzer(new RunContext("generated", policy.Name, 42, dir));
        var batch = new EffectBatch();
        var machine = new Machine(policy, new MachineConfig());
        Replay(machine, cycle, 1, new CountingSink());
        var before = GC.GetAllocatedBytesForCurrentThread();
        var acpu0 = Process.GetCurrentProcess().TotalProcessorTime;
        var clock = Stopwatch.StartNew();
        long effects = 0;
        for (var c = 0; c < Cycles; c++)
        {
            foreach (ref readonly var e in cycle.AsSpan())
            {
                machine.Apply(e, batch);
                if (batch.IsReadyToSend)
                {
                    effects += batch.Count;
                    analyzer.Observe(batch.Effects);
                    batch.Clear();
                }
            }
        }

        effects += batch.Count;
        analyzer.Observe(batch.Effects);
        clock.Stop();
        var allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        var acpu = (Process.GetCurrentProcess().TotalProcessorTime - acpu0).TotalSeconds;
        analyzer.Complete();
        batch.Return();
        lines.Add(Line("tlb-flush analyzer", total, clock.Elapsed.TotalSeconds, allocated, effects) + string.Create(CultureInfo.InvariantCulture, $" cpu_seconds={acpu:F2} events/cpu-s={total / acpu / 1e6:F2}M"));
        lines.Add(string.Create(CultureInfo.InvariantCulture, $"load average while measuring: {File.ReadAllText("/proc/loadavg").Trim()} (2 cores shared with other builds)"));
        return Task.FromResult<IReadOnlyList<string>>(lines);
    }

    private static (double Seconds, long Bytes) Replay(Machine machine, TraceEvent[] cycle, int cycles, IEffectSink sink)
    {
        var before = GC.GetAllocatedBytesForCurrentThread();
        var clock = Stopwatch.StartNew();
        for (var c = 0; c < cycles; c++)
        {
            foreach (ref readonly var e in cycle.AsSpan())
            {
                machine.Apply(e, sink);
            }
        }

        clock.Stop();
        return (clock.Elapsed.TotalSeconds, GC.GetAllocatedBytesForCurrentThread() - before);
    }

    private static string Line(string what, long events, double seconds, long bytes, long effects) =>
        string.Create(CultureInfo.InvariantCulture,
            $"{what,-20} events={events} seconds={seconds:F2} events/s={events / seconds / 1e6:F2}M effects={effects} allocated_bytes={bytes} bytes/event={(double)bytes / events:F3}");
}
