using System.Diagnostics;
using System.Globalization;
using MmReplay.Analyze;
using MmReplay.Analyze.Flushes;
using MmReplay.Ingest;
using MmReplay.Replay;
using MmReplay.Replay.Engine;

namespace MmReplay.Bench;

/// <summary>
/// `replay`: a 10 M event generated trace through Machine.Apply under one preset, first into a counting sink
/// (the model alone), then into effect batches observed by the TLB-flush analyzer. Events are generated in
/// batches of 4096 outside the timed region; only Apply (and the analyzer) is timed. Reports events/s, CPU
/// seconds, and the bytes allocated on the replay thread once the machine's tables have grown (after the first
/// quarter of the events; frames peak just past 64 K when fork and COW overlap): nothing per event.
/// </summary>
public sealed class ReplayBench : IBenchSuite
{
    private const long Events = 10_000_000;
    private const int BatchSize = 4096;

    public string Name => "replay";

    public string Description => "10 M generated events through Machine.Apply (preset latest): events/s, bytes allocated";

    public Task<IReadOnlyList<string>> RunAsync(string work, CancellationToken cancel)
    {
        var policy = KernelPolicy.Preset("latest");
        var lines = new List<string>();
        Measure(policy, 1_000_000, new CountingSink(), null); // warm-up (JIT)

        var counting = new CountingSink();
        var (wall, cpu, bytes) = Measure(policy, Events, counting, null);
        lines.Add(Line("counting sink", wall, cpu, bytes, counting.ByKind.Sum()));

        var dir = Path.Combine(work, "replay-bench");
        Directory.CreateDirectory(dir);
        using (var analyzer = new TlbFlushAnalyzer(new RunContext("generated", policy.Name, 42, dir)))
        {
            var batch = new EffectBatch();
            var (awall, acpu, abytes) = Measure(policy, Events, batch, analyzer);
            analyzer.Complete();
            batch.Return();
            lines.Add(Line("tlb-flush analyzer", awall, acpu, abytes, -1));
        }

        lines.Add(string.Create(CultureInfo.InvariantCulture, $"load average after measuring: {File.ReadAllText("/proc/loadavg").Trim()} (2 cores shared with other builds)"));
        return Task.FromResult<IReadOnlyList<string>>(lines);
    }

    /// <summary>Replay <paramref name="events"/> generated events; time and count allocations of Apply only.</summary>
    private static (double Wall, double Cpu, long Bytes) Measure(KernelPolicy policy, long events, IEffectSink sink, TlbFlushAnalyzer? analyzer)
    {
        var machine = new Machine(policy, new MachineConfig());
        var workload = new ReplayWorkload(events, seed: 42);
        var buffer = new TraceEvent[BatchSize];
        var batch = sink as EffectBatch;
        long ticks = 0;
        long bytes = 0;
        long done = 0;
        var thread = TimeSpan.Zero;
        int n;
        while ((n = workload.Fill(buffer)) > 0)
        {
            var cpu0 = Environment.CpuUsage.TotalTime;
            var before = GC.GetAllocatedBytesForCurrentThread();
            var start = Stopwatch.GetTimestamp();
            for (var i = 0; i < n; i++)
            {
                machine.Apply(buffer[i], sink);
                if (batch is not null && batch.IsReadyToSend)
                {
                    analyzer!.Observe(batch.Effects);
                    batch.Clear();
                }
            }

            ticks += Stopwatch.GetTimestamp() - start;
            if (done >= events / 4)
            {
                bytes += GC.GetAllocatedBytesForCurrentThread() - before; // steady state: the tables have grown by now
            }

            done += n;
            thread += Environment.CpuUsage.TotalTime - cpu0;
        }

        if (batch is not null)
        {
            analyzer!.Observe(batch.Effects);
            batch.Clear();
        }

        return ((double)ticks / Stopwatch.Frequency, thread.TotalSeconds, bytes);
    }

    private static string Line(string what, double wall, double cpu, long bytes, long effects) =>
        string.Create(CultureInfo.InvariantCulture,
            $"{what,-20} events={Events} seconds={wall:F2} events/s={Events / wall / 1e6:F2}M cpu_seconds={cpu:F2} events/cpu-s={Events / cpu / 1e6:F2}M effects={(effects < 0 ? "n/a" : effects.ToString(CultureInfo.InvariantCulture))} allocated_bytes_after_first_2.5M={bytes} bytes/event={(double)bytes / (Events * 0.75):F4}");
}
