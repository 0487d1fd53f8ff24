using System.Diagnostics;
using System.Globalization;
using System.Threading.Channels;
using MmReplay.Ingest;
using MmReplay.Ingest.Workloads;

namespace MmReplay.Bench;

/// <summary>
/// `mmreplay gen` throughput: events/s of a 10 M-event mixed trace written straight to the Arrow trace format (the
/// figure issue #9 asks for), beside the generator alone (batches drained, nothing written) in the same run, and the
/// munmap-storm workload (the cheapest per event) to Arrow. Median of three runs after a warm-up.
/// </summary>
public sealed class GenBench : IBenchSuite
{
    private const long Events = 10_000_000;

    public string Name => "gen";

    public string Description => "workload generator events/s: 10 M events to the Arrow trace format, and generation alone";

    public async Task<IReadOnlyList<string>> RunAsync(string work, CancellationToken cancel)
    {
        var path = Path.Combine(work, "gen-bench.arrow");
        var mixed = new WorkloadOptions { Workload = WorkloadCatalog.Mixed, Seed = 1, Events = Events, Pages = 4096 };
        var storm = mixed with { Workload = WorkloadCatalog.MunmapStorm, Threads = 4 };
        await ToArrowAsync(mixed with { Events = 1_000_000 }, path, cancel); // warm-up: JIT, page cache
        var lines = new List<string>
        {
            await MeasureAsync("mixed, generator only (batches drained)", () => DrainAsync(mixed, cancel)),
            await MeasureAsync("mixed -> Arrow trace file", () => ToArrowAsync(mixed, path, cancel)),
            await MeasureAsync("munmap-storm -> Arrow trace file", () => ToArrowAsync(storm, path, cancel)),
        };
        lines.Add(string.Create(CultureInfo.InvariantCulture, $"arrow trace of {Events / 1e6:F0} M events: {new FileInfo(path).Length / 1e6:F0} MB"));
        File.Delete(path);
        return lines;
    }

    private static async Task<long> ToArrowAsync(WorkloadOptions options, string path, CancellationToken cancel)
    {
        using var trace = new WorkloadTrace(options);
        await TraceConverter.WriteAsync(trace, path, 8, cancel);
        return trace.Info.EventsEmitted;
    }

    private static async Task<long> DrainAsync(WorkloadOptions options, CancellationToken cancel)
    {
        using var trace = new WorkloadTrace(options);
        var channel = Channel.CreateBounded<EventBatch>(new BoundedChannelOptions(8) { SingleReader = true, SingleWriter = true });
        var reading = trace.ReadAsync(channel.Writer, cancel);
        long events = 0;
        await foreach (var batch in channel.Reader.ReadAllAsync(cancel))
        {
            events += batch.Count;
            batch.Release();
        }

        await reading;
        return events;
    }

    private static async Task<string> MeasureAsync(string name, Func<Task<long>> run)
    {
        // CPU seconds beside wall seconds: on a shared machine the wall time mostly measures the neighbours.
        var times = new List<(double Wall, double Cpu)>();
        long events = 0;
        using var self = Process.GetCurrentProcess();
        for (var i = 0; i < 3; i++)
        {
            self.Refresh();
            var cpu = self.TotalProcessorTime;
            var clock = Stopwatch.StartNew();
            events = await run();
            self.Refresh();
            times.Add((clock.Elapsed.TotalSeconds, (self.TotalProcessorTime - cpu).TotalSeconds));
        }

        times.Sort();
        var (wall, cpuSeconds) = times[1];
        Console.WriteLine($"  measured {name}");
        return string.Create(CultureInfo.InvariantCulture,
            $"{name,-42} {wall,7:F2} s {events / wall / 1e6,6:F2} M events/s wall; {cpuSeconds,6:F2} CPU s = {events / cpuSeconds / 1e6,5:F2} M events per CPU second ({events} events; wall {times[0].Wall:F2}..{times[2].Wall:F2} s)");
    }
}
