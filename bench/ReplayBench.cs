using System.Diagnostics;
using System.Globalization;
using MmReplay.Analyze;
using MmReplay.Analyze.Flushes;
using MmReplay.Ingest;
using MmReplay.Replay;
using MmReplay.Replay.Engine;

namespace MmReplay.Bench;

/// <summary>
/// `replay`: a 10 M event generated trace (<see cref="ReplayWorkload"/>) through Machine.Apply under one preset,
/// first into a counting sink (the model alone), then into effect batches observed by the TLB-flush analyzer,
/// on the representative mix (time slices of ~256 events per CPU) and on the old stress mix (a context switch
/// every other event). The representative mix draws pages from a Zipfian popularity (YCSB's default, theta
/// 0.99); the same mix with uniformly random pages (every access a likely TLB and cache miss) is reported beside
/// it, as is the stress mix (uniform pages and a switch every other event). Events are generated in batches of 4096 outside the timed region; only Apply (and the
/// analyzer) is timed. Reports events/s, CPU seconds, and the bytes allocated on the replay thread once the
/// machine's tables have grown (after the first quarter of the events; frames peak just past 64 K when fork and
/// COW overlap): nothing per event.
/// </summary>
public sealed class ReplayBench : IBenchSuite
{
    private const long Events = 10_000_000;
    private const int BatchSize = 4096;
    private const int SliceEvents = 256;

    public string Name => "replay";

    public string Description => "10 M generated events through Machine.Apply (preset latest): events/s, bytes allocated";

    public Task<IReadOnlyList<string>> RunAsync(string work, CancellationToken cancel)
    {
        var policy = KernelPolicy.Preset("latest");
        var lines = new List<string>
        {
            "workload: 4 processes x 64 MiB anon; per million events ~600 K loads, ~400 K stores,",
            "  1000 pagemaps (16 pages), 100 mprotect RO/RW pairs (16 pages), 100 MADV_DONTNEED (8 pages), 10 clear_refs 4,",
            "  2 fork+exit; 2 CPUs. representative = a CPU switches process with p = 1/256 per event (time slices), and pages",
            string.Create(CultureInfo.InvariantCulture, $"  are Zipfian (YCSB scrambled zipfian, theta 0.99: the hottest 512 of 16384 pages take {ReplayWorkload.Zipfian.MassOfTop(512):P0} of accesses);"),
            "  uniform pages = the same mix with every page equally likely (the TLB holds 1/8 of a CPU's pages: most accesses walk);",
            "  stress = uniform pages and the process drawn anew per event (a task switch every other event: 0.5 tlb_flush rows per event).",
            "  cpu_seconds: process CPU time over the timed sections (the machine is shared: wall time varies with the load);",
            "  each line is the fastest of 3 runs (a shared machine only ever slows a run down).",
        };
        Measure(policy, 1_000_000, SliceEvents, zipfian: true, new CountingSink(), null); // warm-up (JIT)

        var counting = new CountingSink();
        var (wall, cpu, bytes) = Fastest(() =>
        {
            counting = new CountingSink();
            return Measure(policy, Events, SliceEvents, zipfian: true, counting, null);
        });
        lines.Add(Line("counting sink", wall, cpu, bytes, counting.ByKind.Sum()));
        lines.Add("  effects by kind: " + string.Join(' ', Enumerable.Range(0, counting.ByKind.Length)
            .Where(k => counting.ByKind[k] > 0)
            .Select(k => string.Create(CultureInfo.InvariantCulture, $"{(EffectKind)k}={counting.ByKind[k]}"))));

        var dir = Path.Combine(work, "replay-bench");
        Directory.CreateDirectory(dir);
        foreach (var (what, slice, zipfian) in new[] { ("tlb-flush analyzer", SliceEvents, true), ("tlb-flush, uniform", SliceEvents, false), ("tlb-flush, stress", 1, false) })
        {
            var rows = 0.0;
            var (awall, acpu, abytes) = Fastest(() =>
            {
                using var analyzer = new TlbFlushAnalyzer(new RunContext("generated", policy.Name, 42, dir));
                var batch = new EffectBatch(analyzer.Consumes); // as the engine does: only the kinds the analyzer reads
                var measured = Measure(policy, Events, slice, zipfian, batch, analyzer);
                analyzer.Complete();
                batch.Return();
                rows = analyzer.Metrics[1].Value;
                return measured;
            });
            lines.Add(Line(what, awall, acpu, abytes, -1) + string.Create(CultureInfo.InvariantCulture, $" flush_rows={rows:F0}"));
        }

        lines.Add(string.Create(CultureInfo.InvariantCulture, $"load average after measuring: {File.ReadAllText("/proc/loadavg").Trim()} (2 cores shared with other builds)"));
        return Task.FromResult<IReadOnlyList<string>>(lines);
    }

    private static (double Wall, double Cpu, long Bytes) Fastest(Func<(double Wall, double Cpu, long Bytes)> run)
    {
        var best = run();
        for (var i = 1; i < 3; i++)
        {
            var next = run();
            if (next.Wall < best.Wall)
            {
                best = next;
            }
        }

        return best;
    }

    /// <summary>Replay <paramref name="events"/> generated events; time and count allocations of Apply only.</summary>
    private static (double Wall, double Cpu, long Bytes) Measure(KernelPolicy policy, long events, int slice, bool zipfian, IEffectSink sink, TlbFlushAnalyzer? analyzer)
    {
        var machine = new Machine(policy, new MachineConfig());
        var workload = new ReplayWorkload(events, seed: 42, slice, zipfian);
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
                if (i + Machine.PrefetchDistance < n)
                {
                    machine.Prefetch(in buffer[i + Machine.PrefetchDistance]); // as the engine's loop does
                }

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
