using System.Diagnostics;
using System.Globalization;
using MmReplay.Ingest;
using MmReplay.Ingest.Ftrace;

namespace MmReplay.Bench;

/// <summary>
/// ftrace text reader throughput (issue #7: goal ≥ 0.3 × <c>wc -l</c>). The shared real tracefs recordings are
/// concatenated to ~1 GB in the scratch folder; the parse (lines to mapped trace events in pooled batches) and
/// <c>wc -l</c> run on that same file in the same process run, median of several runs after a warm-up.
/// </summary>
public sealed class FtraceBench : IBenchSuite
{
    private const int Runs = 3;

    public string Name => "ftrace";

    public string Description => "ftrace text reader MB/s and lines/s next to wc -l on the same 1 GB file";

    public async Task<IReadOnlyList<string>> RunAsync(string work, CancellationToken cancel)
    {
        var file = await BuildInputAsync(work, cancel);
        var bytes = new FileInfo(file).Length;
        var mb = bytes / 1e6;

        // Warm-up: page cache and JIT (tiered compilation settles during the first full pass).
        var (lines, events) = Parse(file, 1);
        _ = Parse(file, 0);
        _ = await WcAsync(file, cancel);

        // Wall time is the figure of the issue; CPU time (ours from the process, wc's from the shell's `times`) is
        // also shown because the bench machine is shared and wall time then measures the neighbours too. The parse
        // runs on one thread and on every core (blocks parsed in parallel, mapped in order).
        var sequential = (Wall: new List<double>(), Cpu: new List<double>());
        var parallel = (Wall: new List<double>(), Cpu: new List<double>());
        var wcWall = new List<double>();
        var wcCpu = new List<double>();
        for (var i = 0; i < Runs; i++)
        {
            foreach (var (threads, into) in new[] { (1, sequential), (0, parallel) })
            {
                var cpu = Process.GetCurrentProcess().TotalProcessorTime;
                var watch = Stopwatch.StartNew();
                (lines, events) = Parse(file, threads);
                into.Wall.Add(watch.Elapsed.TotalSeconds);
                into.Cpu.Add((Process.GetCurrentProcess().TotalProcessorTime - cpu).TotalSeconds);
            }

            var (wall, wcCpuSeconds) = await WcAsync(file, cancel);
            wcWall.Add(wall);
            wcCpu.Add(wcCpuSeconds);
        }

        var c = CultureInfo.InvariantCulture;
        var load = File.Exists("/proc/loadavg") ? (await File.ReadAllTextAsync("/proc/loadavg", cancel)).Trim() : "n/a";
        var cores = Environment.ProcessorCount;
        return
        [
            string.Create(c, $"input {file}: {mb:F0} MB, {lines} lines, {events} events; load average {load}"),
            Row(c, "parse 1 thread wall", mb, lines, Median(sequential.Wall)),
            Row(c, $"parse {cores} threads wall", mb, lines, Median(parallel.Wall)),
            Row(c, "wc -l wall", mb, lines, Median(wcWall)),
            string.Create(c, $"ratio parse / wc -l (wall) = {Median(wcWall) / Median(sequential.Wall):F2} on 1 thread, {Median(wcWall) / Median(parallel.Wall):F2} on {cores} (goal >= 0.30)"),
            Row(c, "parse 1 thread cpu", mb, lines, Median(sequential.Cpu)),
            Row(c, $"parse {cores} threads cpu", mb, lines, Median(parallel.Cpu)),
            Row(c, "wc -l cpu", mb, lines, Median(wcCpu)),
            string.Create(c, $"ratio parse / wc -l (cpu)  = {Median(wcCpu) / Median(sequential.Cpu):F2} on 1 thread, {Median(wcCpu) / Median(parallel.Cpu):F2} on {cores}"),
            // The reader streams: its memory does not grow with the file (the process peak includes the runtime).
            string.Create(c, $"peak working set of the bench process {Process.GetCurrentProcess().PeakWorkingSet64 >> 20} MB after reading {mb:F0} MB {2 * (Runs + 1)} times"),
        ];
    }

    private static string Row(CultureInfo c, string what, double mb, long lines, double seconds) =>
        string.Create(c, $"{what,-22} {mb / seconds,8:F0} MB/s  {lines / seconds / 1e6,6:F2} M lines/s  (median of {Runs}: {seconds:F3} s)");

    private static (long Lines, long Events) Parse(string file, int threads)
    {
        using var stream = new FileStream(file, FileMode.Open, FileAccess.Read, FileShare.Read, 1, FileOptions.SequentialScan);
        var reader = new FtraceReader(stream, file, new FtraceReaderOptions { MaxMarkersKept = 0, Parallelism = threads });
        bool more;
        do
        {
            var batch = new EventBatch();
            more = reader.FillBatch(batch);
            batch.Release();
        }
        while (more);

        if (reader.Stats.MalformedLines != 0)
        {
            throw new InvalidDataException(reader.Stats.Summary());
        }

        return (reader.Stats.LinesRead, reader.Stats.EventsEmitted);
    }

    /// <summary>Runs <c>wc -l</c> under bash so <c>times</c> reports the child's user and system CPU seconds.</summary>
    private static async Task<(double Wall, double Cpu)> WcAsync(string file, CancellationToken cancel)
    {
        var start = new ProcessStartInfo("bash", ["-c", "wc -l \"$1\" > /dev/null; times", "wc", file]) { RedirectStandardOutput = true };
        var watch = Stopwatch.StartNew();
        using var process = Process.Start(start) ?? throw new InvalidOperationException("bash did not start");
        var output = await process.StandardOutput.ReadToEndAsync(cancel);
        await process.WaitForExitAsync(cancel);
        var wall = watch.Elapsed.TotalSeconds;
        // `times` prints the shell's then the children's "user system" times, e.g. "0m0.019s 0m0.166s".
        var children = output.Split('\n', StringSplitOptions.RemoveEmptyEntries)[^1].Split(' ');
        return (wall, Seconds(children[0]) + Seconds(children[1]));
    }

    private static double Seconds(string shellTime)
    {
        var m = shellTime.IndexOf('m', StringComparison.Ordinal);
        return (double.Parse(shellTime[..m], CultureInfo.InvariantCulture) * 60)
            + double.Parse(shellTime[(m + 1)..].TrimEnd('s'), CultureInfo.InvariantCulture);
    }

    /// <summary>Concatenates the shared tracefs recordings until ~1 GB (kept between runs: same size, same name).</summary>
    private static async Task<string> BuildInputAsync(string work, CancellationToken cancel)
    {
        // MMREPLAY_BENCH_MB=200 builds and reads a smaller file, for iteration; the default is 1 GB.
        var megabytes = int.TryParse(Environment.GetEnvironmentVariable("MMREPLAY_BENCH_MB"), out var mb) && mb > 0 ? mb : 1024;
        var targetBytes = (long)megabytes << 20;
        var file = Path.Combine(work, megabytes == 1024 ? "ftrace-1g.txt" : $"ftrace-{megabytes}m.txt");
        if (File.Exists(file) && new FileInfo(file).Length >= targetBytes)
        {
            return file;
        }

        var sources = Directory.GetFiles(SharedRealTraces(), "trace.txt", SearchOption.AllDirectories);
        Array.Sort(sources, StringComparer.Ordinal);
        var chunks = sources.Select(File.ReadAllBytes).ToList();
        var temp = file + ".tmp";
        await using (var output = File.Create(temp))
        {
            while (output.Length < targetBytes)
            {
                foreach (var chunk in chunks)
                {
                    await output.WriteAsync(chunk, cancel);
                }
            }
        }

        File.Move(temp, file, overwrite: true);
        return file;
    }

    private static string SharedRealTraces()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            var candidate = Path.Combine(dir.FullName, "shared", "traces", "real");
            if (Directory.Exists(candidate))
            {
                return candidate;
            }
        }

        throw new DirectoryNotFoundException("shared/traces/real not found above " + AppContext.BaseDirectory);
    }

    private static double Median(List<double> values)
    {
        values.Sort();
        return values[values.Count / 2];
    }
}
