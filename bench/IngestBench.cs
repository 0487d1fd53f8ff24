using System.Diagnostics;
using System.Globalization;
using System.Threading.Channels;
using CsvHelper;
using MmReplay.Ingest;
using MmReplay.Ingest.ArrowTrace;
using MmReplay.Ingest.Csv;

namespace MmReplay.Bench;

/// <summary>
/// Ingest throughput on one generated trace, everything in the same run: our CSV reader (1 thread, all cores),
/// CsvHelper's bare GetRecords of the same columns (the reference), the Arrow trace reader, and `wc -l` (the floor);
/// then peak RSS of a full CSV read at 100 MB and 1 GB, each in a child process.
/// </summary>
public sealed class IngestBench : IBenchSuite
{
    private const string ChildVariable = "MMREPLAY_INGEST_RSS_CHILD";

    public string Name => "ingest";

    public string Description => "CSV/Arrow trace ingest MB/s and events/s vs bare CsvHelper and wc -l; RSS at 100 MB vs 1 GB";

    public async Task<IReadOnlyList<string>> RunAsync(string work, CancellationToken cancel)
    {
        if (Environment.GetEnvironmentVariable(ChildVariable) is { } child)
        {
            var (events, _) = Read(child, -1, cancel);
            return [$"rss {child} events={events} vmhwm_kb={PeakRssKb()}"];
        }

        // MMREPLAY_BENCH_MB=200 runs on a smaller trace for iteration (and skips the RSS children); the default is 1 GB.
        var megabytes = int.TryParse(Environment.GetEnvironmentVariable("MMREPLAY_BENCH_MB"), out var mb) && mb > 0 ? mb : 1024;
        var label = megabytes == 1024 ? "1g" : $"{megabytes}m";
        var large = Generate(Path.Combine(work, $"trace-{label}.csv"), (long)megabytes << 20);
        // The file name carries the Arrow trace layout version, so a cached file from an older writer is not reused.
        var arrow = Path.Combine(work, $"trace-{label}.v{ArrowTraceSchema.LayoutVersion}.arrow");
        if (!File.Exists(arrow))
        {
            await TraceConverter.ConvertAsync(large, arrow, TraceReaderOptions.Default with { Parallelism = -1 }, null, cancel);
        }

        var bytes = new FileInfo(large).Length;
        var arrowBytes = new FileInfo(arrow).Length;
        var lines = new List<string> { $"trace {large}: {bytes / 1e6:F0} MB; arrow trace {arrowBytes / 1e6:F0} MB ({(double)arrowBytes / Math.Max(1, TraceRows(arrow)):F1} bytes/row)" };
        // MMREPLAY_BENCH_SKIP_CSV=1 measures the Arrow reader alone (iteration on it).
        var csv = Environment.GetEnvironmentVariable("MMREPLAY_BENCH_SKIP_CSV") != "1";
        lines.Add("load average before: " + LoadAverage());
        var runs = new List<Run> { new("wc -l (floor)", bytes, () => WcLines(large)) };
        if (csv)
        {
            runs.Add(new("CsvHelper GetRecords<T>, no validation (reference)", bytes, () => Bare(large)));
            runs.Add(new("mmreplay CSV ingest, 1 thread, full validation", bytes, () => Read(large, 1, cancel).Events));
            runs.Add(new($"mmreplay CSV ingest, {Environment.ProcessorCount} threads", bytes, () => Read(large, -1, cancel).Events));
            runs.Add(new($"{Environment.ProcessorCount} independent 1-thread ingests at once", Environment.ProcessorCount * bytes, () => ReadAtOnce(large, Environment.ProcessorCount, cancel)));
        }

        runs.Add(new("mmreplay Arrow trace reader", arrowBytes, () => Read(arrow, 1, cancel).Events));
        runs.Add(new("ArrowReader batches only, public defaults", arrowBytes, () => TraceRows(arrow)));
        var measured = Measure(runs);
        var floor = measured[0];
        var (bare, one, all, apart) = csv ? (measured[1], measured[2], measured[3], measured[4]) : (floor, floor, floor, floor);
        var (fast, decode) = (measured[^2], measured[^1]);
        foreach (var m in new[] { floor, bare, one, all, apart, fast, decode })
        {
            lines.Add(m.ToString());
        }

        lines.Add(string.Create(CultureInfo.InvariantCulture,
            $"ratios: 1-thread / bare CsvHelper = {one.MBps / bare.MBps:F2} (goal >= 0.85); all cores / 1 thread = {all.MBps / one.MBps:F2} (goal >= 1.6 on 2 cores); Arrow = {fast.EventsPerSecond / 1e6:F1} M events/s (goal >= 20); wc -l / 1 thread = {floor.MBps / one.MBps:F1}"));
        lines.Add(string.Create(CultureInfo.InvariantCulture,
            $"machine: {Environment.ProcessorCount} threads running the same compute loop get {WorkRate(Environment.ProcessorCount) / WorkRate(1):F2}x the work of 1 thread; {Environment.ProcessorCount} independent 1-thread ingests of the file at once get {apart.MBps / one.MBps:F2}x the MB/s of one (the ceiling of the all-cores ratio for this code here: the same parsing and memory traffic, nothing shared); all cores reach {all.MBps / apart.MBps:P0} of it"));
        lines.Add(string.Create(CultureInfo.InvariantCulture,
            $"ratios by CPU time: 1-thread / bare CsvHelper = {bare.CpuSeconds / one.CpuSeconds:F2}; all cores / 1 thread (wall) = {one.Seconds / all.Seconds:F2}, CPU used {all.CpuSeconds / all.Seconds:F2} cores; Arrow = {fast.Events / fast.CpuSeconds / 1e6:F1} M events per CPU second"));
        lines.Add("load average after: " + LoadAverage());
        if (megabytes == 1024)
        {
            lines.Add(Child(Generate(Path.Combine(work, "trace-100m.csv"), 100L << 20)));
            lines.Add(Child(large));
        }

        return lines;
    }

    /// <summary>
    /// Reads the trace and counts its events on the calling thread, which blocks between batches and is woken by the
    /// reader itself (synchronous continuations). Otherwise each batch would wake a thread-pool worker that then spins
    /// waiting for more work: the 1-thread read hands over a batch per millisecond, and /proc showed two pool workers
    /// using 0.18 s of CPU beside its 0.8 s, which the reader does not use but was charged with.
    /// </summary>
    private static (long Events, TraceInfo Info) Read(string path, int parallelism, CancellationToken cancel)
    {
        using var reader = TraceReaders.Open(path, TraceReaderOptions.Default with { Parallelism = parallelism }, null);
        var channel = Channel.CreateBounded<EventBatch>(new BoundedChannelOptions(8) { SingleReader = true, SingleWriter = true, AllowSynchronousContinuations = true });
        var reading = reader.ReadAsync(channel.Writer, cancel);
        long events = 0;
        while (channel.Reader.WaitToReadAsync(cancel).AsTask().GetAwaiter().GetResult())
        {
            while (channel.Reader.TryRead(out var batch))
            {
                events += batch.Count;
                batch.Release();
            }
        }

        reading.GetAwaiter().GetResult();
        return (events, reader.Info);
    }

    /// <summary>
    /// The ceiling of parallel ingest on this machine: <paramref name="readers"/> one-thread reads of the same file at
    /// once, sharing nothing but the machine (its cores' time, caches and memory bandwidth, however the host gives them).
    /// </summary>
    private static long ReadAtOnce(string path, int readers, CancellationToken cancel)
    {
        var events = new long[readers];
        var threads = new Thread[readers];
        for (var i = 0; i < readers; i++)
        {
            var index = i;
            threads[i] = new Thread(() => events[index] = Read(path, 1, cancel).Events);
            threads[i].Start();
        }

        foreach (var thread in threads)
        {
            thread.Join();
        }

        return events.Sum();
    }

    private static long Bare(string path)
    {
        var options = CsvReaderOptions.Default with { Separator = ',', CommentPrefix = '#', PoolStrings = true };
        using var csv = CsvReader.FromFile(path, options);
        long rows = 0;
        foreach (var row in csv.GetRecords<BareTraceRow>())
        {
            rows += row.Cpu >= 0 ? 1 : 0;
        }

        return rows;
    }

    private static long WcLines(string path)
    {
        using var wc = Process.Start(new ProcessStartInfo("wc", ["-l", path]) { RedirectStandardOutput = true })!;
        var text = wc.StandardOutput.ReadToEnd();
        wc.WaitForExit();
        return long.Parse(text.Split(' ', StringSplitOptions.RemoveEmptyEntries)[0], CultureInfo.InvariantCulture);
    }

    /// <summary>
    /// CPU cores this process actually gets for <paramref name="threads"/> threads spinning for one second: on a machine
    /// shared with other builds, the parallel speedup is bounded by this, not by the core count.
    /// </summary>
    /// <summary>
    /// Work per second that <paramref name="threads"/> threads get done together, each running the same loop of table
    /// lookups and integer arithmetic (a parser's kind of work) for one second. Two threads on two cores of a VM need
    /// not do twice the work of one: the host may share a core's execution units or time between them.
    /// </summary>
    private static double WorkRate(int threads)
    {
        var done = new long[threads];
        var spinners = new Thread[threads];
        for (var i = 0; i < threads; i++)
        {
            var index = i;
            spinners[i] = new Thread(() =>
            {
                var table = new uint[16384];
                var x = (uint)(index + 1);
                long steps = 0;
                var until = Stopwatch.GetTimestamp() + Stopwatch.Frequency;
                while (Stopwatch.GetTimestamp() < until)
                {
                    for (var k = 0; k < 4096; k++)
                    {
                        x ^= x << 13;
                        x ^= x >> 17;
                        x ^= x << 5;
                        table[x & 16383] += x;
                    }

                    steps += 4096;
                }

                done[index] = steps + table[x & 16383] % 2; // keep the loop's work observable
            });
            spinners[i].Start();
        }

        foreach (var spinner in spinners)
        {
            spinner.Join();
        }

        return done.Sum();
    }

    private static long TraceRows(string arrow)
    {
        using var reader = MmReplay.Arrow.ArrowReader.Open(arrow);
        long rows = 0;
        while (reader.ReadNextRecordBatch() is { } batch)
        {
            rows += batch.Length;
        }

        return rows;
    }

    /// <summary>
    /// Median of three timed rounds after one warm-up each, wall and CPU time (Process.TotalProcessorTime, whole
    /// process). The rounds interleave the measurements (each round runs every one once), so a neighbour's build that
    /// comes and goes on this shared machine weighs on the reference and on our reader alike; wall time also measures
    /// the neighbours, CPU time does not.
    /// </summary>
    private static List<Measurement> Measure(List<Run> runs)
    {
        // MMREPLAY_BENCH_ONLY=<part of a name> runs that measurement alone (profiling one path); the others read as 1 s.
        var only = Environment.GetEnvironmentVariable("MMREPLAY_BENCH_ONLY");
        var active = runs.ConvertAll(r => only is not { Length: > 0 } || r.Name.Contains(only, StringComparison.Ordinal));
        var counts = new long[runs.Count];
        var times = new List<double>[runs.Count];
        var cpus = new List<double>[runs.Count];
        for (var i = 0; i < runs.Count; i++)
        {
            (times[i], cpus[i]) = ([], []);
            counts[i] = active[i] ? runs[i].Work() : 0;
        }

        using var process = Process.GetCurrentProcess();
        for (var round = 0; round < 3; round++)
        {
            for (var i = 0; i < runs.Count; i++)
            {
                if (!active[i])
                {
                    continue;
                }

                // Each measurement starts on a collected heap, as BenchmarkDotNet starts each iteration: the garbage of the
                // one before (the reference allocates a string per field) is not collected on the next one's time.
                GC.Collect();
                GC.WaitForPendingFinalizers();
                GC.Collect();
                process.Refresh();
                var cpu = process.TotalProcessorTime;
                var clock = Stopwatch.StartNew();
                counts[i] = runs[i].Work();
                times[i].Add(clock.Elapsed.TotalSeconds);
                process.Refresh();
                cpus[i].Add((process.TotalProcessorTime - cpu).TotalSeconds);
            }
        }

        var measured = new List<Measurement>();
        for (var i = 0; i < runs.Count; i++)
        {
            var (time, cpu) = active[i] ? (Median(times[i]), Median(cpus[i])) : (1, 1);
            Console.WriteLine($"  measured {runs[i].Name}: {time:F2} s wall, {cpu:F2} s CPU");
            measured.Add(new Measurement(runs[i].Name, runs[i].Bytes, counts[i], time, cpu));
        }

        return measured;
    }

    private static double Median(List<double> values)
    {
        values.Sort();
        return values[values.Count / 2];
    }

    private static string LoadAverage() => File.Exists("/proc/loadavg") ? File.ReadAllText("/proc/loadavg").Trim() : "n/a";

    private static string Child(string path)
    {
        var results = Directory.CreateTempSubdirectory("mmreplay-rss-").FullName;
        var start = new ProcessStartInfo("dotnet", [typeof(IngestBench).Assembly.Location, "ingest"]) { RedirectStandardOutput = true };
        start.Environment[ChildVariable] = path;
        start.Environment["MMREPLAY_BENCH_RESULTS"] = results;
        using var child = Process.Start(start)!;
        var output = child.StandardOutput.ReadToEnd();
        child.WaitForExit();
        Directory.Delete(results, recursive: true);
        var line = output.Split('\n').FirstOrDefault(l => l.StartsWith("rss ", StringComparison.Ordinal)) ?? "rss: child failed\n" + output;
        return $"{line} (file {new FileInfo(path).Length / 1e6:F0} MB)";
    }

    private static long PeakRssKb()
    {
        foreach (var line in File.ReadLines("/proc/self/status"))
        {
            if (line.StartsWith("VmHWM:", StringComparison.Ordinal))
            {
                return long.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], CultureInfo.InvariantCulture);
            }
        }

        return -1;
    }

    /// <summary>A CSV trace of at least <paramref name="size"/> bytes from the seeded synthetic stream (kept between runs).</summary>
    private static string Generate(string path, long size)
    {
        if (File.Exists(path) && new FileInfo(path).Length >= size)
        {
            return path;
        }

        var synthetic = new SyntheticTrace(42);
        using (var file = File.Create(path + ".tmp"))
        using (var writer = new CsvTraceWriter(file, 4096, id => synthetic.Devices[id]))
        {
            while (file.Position < size)
            {
                for (var i = 0; i < 10_000; i++)
                {
                    var ev = synthetic.Next();
                    writer.Write(in ev);
                }
            }
        }

        File.Move(path + ".tmp", path, overwrite: true);
        return path;
    }

    private sealed record Run(string Name, long Bytes, Func<long> Work);

    private sealed record Measurement(string Name, long Bytes, long Events, double Seconds, double CpuSeconds)
    {
        public double MBps => Bytes / 1e6 / Seconds;

        public double EventsPerSecond => Events / Seconds;

        public override string ToString() => string.Create(CultureInfo.InvariantCulture,
            $"{Name,-52} {Seconds,7:F2} s {MBps,8:F0} MB/s {EventsPerSecond / 1e6,7:F2} M events/s ({Events} rows); CPU {CpuSeconds,6:F2} s");
    }
}
