using System.Diagnostics;
using System.Reflection;
using System.Security.Cryptography;
using System.Text.Json;
using System.Threading.Channels;
using MmReplay.Analyze.Dirty;
using MmReplay.Analyze.Faults;
using MmReplay.Analyze.Flushes;
using MmReplay.Analyze.Observations;
using MmReplay.Arrow;
using MmReplay.Ingest;
using MmReplay.Replay;
using MmReplay.Replay.Engine;

namespace MmReplay.Analyze.Runs;

/// <summary>
/// One trace under one policy, end to end: ingest -> replay -> analyzers -> Arrow tables, rejects.csv,
/// manifest.json and timing.json in the output directory. Every file is written under a temporary name
/// and renamed when complete, so an interrupted run leaves no half file.
/// </summary>
public static class ReplayRun
{
    /// <summary>Event batches in flight between the reader and the model.</summary>
    private const int EventChannelCapacity = 8;

    /// <summary>
    /// Runs the replay. Throws <see cref="FileNotFoundException"/>/<see cref="IOException"/> for a missing input,
    /// <see cref="TraceRejectedException"/> under Strict, <see cref="TraceFormatException"/> for an unreadable trace,
    /// <see cref="OperationCanceledException"/> when cancelled.
    /// </summary>
    public static async Task<ReplayRunResult> RunAsync(ReplayRunOptions options, CancellationToken cancel)
    {
        ArgumentNullException.ThrowIfNull(options);
        var clock = Stopwatch.StartNew();
        Directory.CreateDirectory(options.OutputDirectory);

        using var rejects = new RejectsCsvWriter(Path.Combine(options.OutputDirectory, "rejects.csv"));
        using var reader = TraceReaders.Open(
            options.TracePath,
            new TraceReaderOptions { Strict = options.Strict, Parallelism = options.Parallelism },
            rejects);

        var run = new RunContext(TraceName(options.TracePath), options.Policy.Name, options.Seed, options.OutputDirectory);
        var machine = new Machine(options.Policy, new MachineConfig { Cpus = options.Cpus, PageSize = reader.Info.PageSize });
        var analyzers = new List<IAnalyzer>();
        try
        {
            analyzers.Add(new TlbFlushAnalyzer(run));
            analyzers.Add(new FaultAnalyzer(run));
            analyzers.Add(new ObservationAnalyzer(run));
            analyzers.Add(new DirtyAccuracyAnalyzer(run));

            var events = Channel.CreateBounded<EventBatch>(new BoundedChannelOptions(EventChannelCapacity)
            {
                SingleReader = true,
                SingleWriter = true,
                FullMode = BoundedChannelFullMode.Wait,
            });
            // A replay failure must stop the reader too, or it would wait on a full channel forever.
            using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancel);
            var read = Task.Run(() => reader.ReadAsync(events.Writer, stop.Token), CancellationToken.None);
            var progress = options.Progress is null ? Task.CompletedTask : ReportProgressAsync(reader.Info, options.Progress, read);
            ReplayCounts counts;
            try
            {
                counts = await ReplayEngine.RunAsync(events.Reader, machine, analyzers, cancel).ConfigureAwait(false);
            }
            catch (Exception)
            {
                await stop.CancelAsync().ConfigureAwait(false);
                try
                {
                    // The reader's own failure (a strict reject, a cut gzip) is the cause of what the replay saw.
                    await read.ConfigureAwait(false);
                }
                catch (OperationCanceledException) when (!cancel.IsCancellationRequested)
                {
                    // Cancelled by us above: the replay failure is the one to report.
                }

                await progress.ConfigureAwait(false);
                throw;
            }

            await read.ConfigureAwait(false);
            await progress.ConfigureAwait(false);

            var tables = new List<TableEntry>();
            var metrics = new List<Metric>();
            foreach (var analyzer in analyzers)
            {
                tables.AddRange(analyzer.Complete());
                metrics.AddRange(analyzer.Metrics);
            }

            rejects.Complete();
            var info = reader.Info;
            var manifest = new RunManifest
            {
                ToolVersion = ToolVersion,
                Trace = await DescribeInputAsync(options.TracePath, run.Trace, info, cancel).ConfigureAwait(false),
                Policy = options.Policy.Name,
                Knobs = Knobs(options.Policy),
                Seed = options.Seed,
                Rows = new RowAccounting(
                    info.RowsRead,
                    info.RowsRejected,
                    info.EventsEmitted,
                    counts.Replayed,
                    counts.Recorded,
                    counts.NotModelled,
                    NotModelled(counts),
                    counts.Effects),
                Tables = tables,
            };
            AtomicFile.Write(Path.Combine(options.OutputDirectory, "manifest.json"), manifest.WriteTo);
            clock.Stop();
            WriteTiming(options.OutputDirectory, clock.Elapsed, info.RowsRead);
            metrics.Insert(0, new Metric("rows_rejected", info.RowsRejected));
            metrics.Insert(0, new Metric("events", counts.Replayed));
            return new ReplayRunResult(manifest, metrics, clock.Elapsed);
        }
        finally
        {
            foreach (var analyzer in analyzers)
            {
                analyzer.Dispose();
            }
        }
    }

    /// <summary>The tool's version as manifests record it.</summary>
    public static string ToolVersion { get; } =
        typeof(ReplayRun).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion?.Split('+')[0] ?? "0.0.0";

    /// <summary>Trace name used in table columns and dataset partitions: the file name without extensions.</summary>
    public static string TraceName(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        if (path == "-")
        {
            return "stdin";
        }

        var name = Path.GetFileName(path);
        var dot = name.IndexOf('.', StringComparison.Ordinal);
        return dot > 0 ? name[..dot] : name;
    }

    private static List<KeyValuePair<string, string>> Knobs(KernelPolicy policy)
    {
        var knobs = new List<KeyValuePair<string, string>>();
        foreach (var knob in policy.Knobs)
        {
            knobs.Add(new(knob.Name, knob.Value));
        }

        return knobs;
    }

    private static List<KeyValuePair<string, long>> NotModelled(ReplayCounts counts)
    {
        var list = new List<KeyValuePair<string, long>>();
        foreach (var (op, count) in counts.NotModelledByOp())
        {
            list.Add(new(OpTable.Name(op), count));
        }

        return list;
    }

    private static async Task<TraceInput> DescribeInputAsync(string path, string name, TraceInfo info, CancellationToken cancel)
    {
        if (path == "-")
        {
            return new TraceInput(name, path, info.Format.ToString().ToLowerInvariant(), info.BytesRead, "");
        }

        var file = new FileInfo(path);
        await using var stream = file.OpenRead();
        var hash = await SHA256.HashDataAsync(stream, cancel).ConfigureAwait(false);
        return new TraceInput(name, path, info.Format.ToString().ToLowerInvariant(), file.Length, Convert.ToHexStringLower(hash));
    }

    private static void WriteTiming(string directory, TimeSpan wall, long rows)
    {
        AtomicFile.Write(Path.Combine(directory, "timing.json"), stream =>
        {
            using var json = new Utf8JsonWriter(stream, new JsonWriterOptions { Indented = true });
            json.WriteStartObject();
            json.WriteNumber("wall_seconds", Math.Round(wall.TotalSeconds, 6));
            json.WriteNumber("rows_per_second", wall.TotalSeconds > 0 ? Math.Round(rows / wall.TotalSeconds) : 0);
            json.WriteEndObject();
        });
    }

    private static async Task ReportProgressAsync(TraceInfo info, IProgress<long> progress, Task read)
    {
        while (!read.IsCompleted)
        {
            progress.Report(info.BytesRead);
            await Task.WhenAny(read, Task.Delay(200)).ConfigureAwait(false);
        }

        progress.Report(info.BytesRead);
    }
}
