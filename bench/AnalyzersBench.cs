using System.Diagnostics;
using System.Globalization;
using System.Threading.Channels;
using MmReplay.Analyze;
using MmReplay.Analyze.Runs;
using MmReplay.Ingest;
using MmReplay.Ingest.Workloads;
using MmReplay.Replay;
using MmReplay.Replay.Engine;

namespace MmReplay.Bench;

/// <summary>
/// `analyzers`: the effects of the fanout trace (generated mixed workload, 2 M events, preset linux-4.14) are
/// recorded once in memory, then fed to each analyzer of <see cref="AnalyzerSet"/> alone: CPU ns per trace event
/// (best of MMREPLAY_BENCH_REPS, default 3), so the cost of every analyzer is seen apart from the parse and the model.
/// </summary>
public sealed class AnalyzersBench : IBenchSuite
{
    /// <summary>Best of this many passes (MMREPLAY_BENCH_REPS): the machine is shared, the minimum is the least disturbed.</summary>
    private static readonly int Repetitions = int.Parse(Environment.GetEnvironmentVariable("MMREPLAY_BENCH_REPS") ?? "3", CultureInfo.InvariantCulture);

    public string Name => "analyzers";

    public string Description => "each analyzer alone over recorded effects of the fanout trace: CPU ns per event";

    public async Task<IReadOnlyList<string>> RunAsync(string work, CancellationToken cancel)
    {
        var events = long.Parse(Environment.GetEnvironmentVariable("MMREPLAY_BENCH_EVENTS") ?? "2000000", CultureInfo.InvariantCulture);
        var chunks = await RecordEffectsAsync(events, cancel);
        long effects = 0;
        foreach (var chunk in chunks)
        {
            effects += chunk.Length;
        }

        var dir = Path.Combine(work, "analyzers-out");
        Directory.CreateDirectory(dir);
        var run = new RunContext("mixed", "linux-4.14", 1, dir);
        var lines = new List<string>
        {
            string.Create(CultureInfo.InvariantCulture, $"trace: generated mixed, {events} events, {effects} effects (linux-4.14); ns per event (wall time in Observe + Complete, one thread), best of {Repetitions}"),
        };
        var probe = AnalyzerSet.Create(run);
        var best = new double[probe.Count];
        foreach (var each in probe)
        {
            each.Dispose();
        }

        Array.Fill(best, double.MaxValue);
        var names = new string[best.Length];
        var spent = new long[best.Length];
        for (var rep = 0; rep < Repetitions; rep++)
        {
            var set = AnalyzerSet.Create(run);
            Array.Clear(spent);
            foreach (var chunk in chunks)
            {
                // As in a run: every analyzer sees the batch in turn, while it is in the cache.
                for (var a = 0; a < set.Count; a++)
                {
                    var start = Stopwatch.GetTimestamp();
                    set[a].Observe(chunk);
                    spent[a] += Stopwatch.GetTimestamp() - start;
                }
            }

            for (var a = 0; a < set.Count; a++)
            {
                var start = Stopwatch.GetTimestamp();
                set[a].Complete();
                spent[a] += Stopwatch.GetTimestamp() - start;
                names[a] = set[a].GetType().Name;
                best[a] = Math.Min(best[a], (double)spent[a] / Stopwatch.Frequency);
                set[a].Dispose();
            }
        }

        double total = 0;
        for (var a = 0; a < best.Length; a++)
        {
            total += best[a];
            lines.Add(string.Create(CultureInfo.InvariantCulture, $"{names[a],-26} {best[a]:F3} s  {best[a] * 1e9 / events:F0} ns/event"));
        }

        lines.Add(string.Create(CultureInfo.InvariantCulture, $"{"all six",-26} {total:F3} s  {total * 1e9 / events:F0} ns/event"));
        lines.Add(string.Create(CultureInfo.InvariantCulture, $"load average after measuring: {File.ReadAllText("/proc/loadavg").Trim()}"));
        return lines;
    }

    private static async Task<List<Effect[]>> RecordEffectsAsync(long events, CancellationToken cancel)
    {
        var channel = Channel.CreateUnbounded<EventBatch>();
        using var trace = new WorkloadTrace(new WorkloadOptions { Workload = "mixed", Seed = 1, Events = events });
        var reading = trace.ReadAsync(channel.Writer, cancel);
        var machine = new Machine(KernelPolicy.Preset("linux-4.14"), new MachineConfig { Cpus = 64, PageSize = trace.Info.PageSize });
        var sink = new EffectBatch();
        var chunks = new List<Effect[]>();
        await foreach (var batch in channel.Reader.ReadAllAsync(cancel))
        {
            foreach (ref readonly var e in batch.Events)
            {
                machine.Apply(e, sink);
                if (sink.IsReadyToSend)
                {
                    chunks.Add(sink.Effects.ToArray());
                    sink.Clear();
                }
            }

            batch.Release();
        }

        await reading;
        chunks.Add(sink.Effects.ToArray());
        sink.Return();
        return chunks;
    }
}
