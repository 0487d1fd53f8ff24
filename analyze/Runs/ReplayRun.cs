using System.Diagnostics;
using System.Reflection;
using System.Security.Cryptography;
using System.Text.Json;
using System.Threading.Channels;
using MmReplay.Arrow;
using MmReplay.Ingest;
using MmReplay.Replay;
using MmReplay.Replay.Engine;

namespace MmReplay.Analyze.Runs;

/// <summary>
/// One trace, parsed once, replayed under one or more policies: ingest -> (fan-out) -> one replay task per
/// policy -> analyzers -> Arrow tables, manifest.json and timing.json per policy, rejects.csv per trace.
/// Every file is written under a temporary name and renamed when complete, so an interrupted run leaves no
/// half file.
/// </summary>
public static class ReplayRun
{
    /// <summary>Event batches in flight on each channel (bounds memory whatever the trace length).</summary>
    private const int ChannelCapacity = 8;

    /// <summary>
    /// Runs the replays. Throws <see cref="FileNotFoundException"/>/<see cref="IOException"/> for a missing input,
    /// <see cref="TraceRejectedException"/> under Strict, <see cref="TraceFormatException"/> for an unreadable trace,
    /// <see cref="OperationCanceledException"/> when cancelled.
    /// </summary>
    public static async Task<IReadOnlyList<ReplayRunResult>> RunAsync(ReplayRunOptions options, CancellationToken cancel)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (options.Targets.Count == 0)
        {
            throw new ArgumentException("at least one policy to replay under", nameof(options));
        }

        var clock = Stopwatch.StartNew();
        var rejectsDirectory = Path.GetDirectoryName(Path.GetFullPath(options.RejectsPath))!;
        Directory.CreateDirectory(rejectsDirectory);
        using var rejects = new RejectsCsvWriter(options.RejectsPath);
        using var reader = TraceReaders.Open(
            options.TracePath,
            new TraceReaderOptions { Strict = options.Strict, Parallelism = options.Parallelism },
            rejects);

        var traceName = options.TraceName ?? TraceName(options.TracePath);
        var replays = new List<Replay>();
        try
        {
            foreach (var target in options.Targets)
            {
                Directory.CreateDirectory(target.OutputDirectory);
                var run = new RunContext(traceName, target.Policy.Name, options.Seed, target.OutputDirectory)
                {
                    DeviceName = device =>
                    {
                        var names = reader.Info.DeviceNames;
                        return device >= 0 && device < names.Count ? names[device] : $"dev{device}";
                    },
                    Costs = options.Costs,
                };
                var machine = new Machine(target.Policy, new MachineConfig { Cpus = options.Cpus, PageSize = reader.Info.PageSize });
                replays.Add(new Replay(target, machine, options.Analyzers(run)));
            }

            var counts = await StreamAsync(reader, replays, options.Progress, cancel).ConfigureAwait(false);
            rejects.Complete();

            var input = await DescribeInputAsync(options.TracePath, traceName, reader.Info, cancel).ConfigureAwait(false);
            var results = new List<ReplayRunResult>();
            for (var i = 0; i < replays.Count; i++)
            {
                results.Add(Finish(replays[i], counts[i], input, reader.Info, options, clock.Elapsed));
            }

            return results;
        }
        finally
        {
            foreach (var replay in replays)
            {
                foreach (var analyzer in replay.Analyzers)
                {
                    analyzer.Dispose();
                }
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

    /// <summary>
    /// Reader -> one channel per replay (the batch is shared: each replay releases it once) -> engines.
    /// A replay failure stops the reader and the other replays, or they would wait on full channels forever.
    /// </summary>
    private static async Task<ReplayCounts[]> StreamAsync(ITraceReader reader, List<Replay> replays, IProgress<long>? progress, CancellationToken cancel)
    {
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancel);
        var parsed = NewChannel();
        var read = Task.Run(() => reader.ReadAsync(parsed.Writer, stop.Token), CancellationToken.None);
        var inputs = new Channel<EventBatch>[replays.Count];
        Task fanOut;
        if (replays.Count == 1)
        {
            inputs[0] = parsed;
            fanOut = Task.CompletedTask;
        }
        else
        {
            for (var i = 0; i < inputs.Length; i++)
            {
                inputs[i] = NewChannel();
            }

            fanOut = Task.Run(() => FanOutAsync(parsed.Reader, inputs, stop.Token), CancellationToken.None);
        }

        var reporting = progress is null ? Task.CompletedTask : ReportProgressAsync(reader.Info, progress, read);
        var engines = new Task<ReplayCounts>[replays.Count];
        for (var i = 0; i < replays.Count; i++)
        {
            var replay = replays[i];
            var input = inputs[i].Reader;
            engines[i] = Task.Run(() => ReplayEngine.RunAsync(input, replay.Machine, replay.Analyzers, stop.Token), CancellationToken.None);
        }

        try
        {
            await Task.WhenAll(engines).ConfigureAwait(false);
        }
        catch (Exception)
        {
            await stop.CancelAsync().ConfigureAwait(false);
            try
            {
                // The reader's own failure (a strict reject, a cut gzip) is the cause of what the replays saw.
                await read.ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (!cancel.IsCancellationRequested)
            {
                // Cancelled by us above: the replay failure is the one to report.
            }

            await Task.WhenAll(fanOut, reporting).ContinueWith(_ => { }, TaskScheduler.Default).ConfigureAwait(false);
            throw;
        }

        await read.ConfigureAwait(false);
        await fanOut.ConfigureAwait(false);
        await reporting.ConfigureAwait(false);
        var counts = new ReplayCounts[engines.Length];
        for (var i = 0; i < engines.Length; i++)
        {
            counts[i] = engines[i].Result;
        }

        return counts;
    }

    private static async Task FanOutAsync(ChannelReader<EventBatch> parsed, Channel<EventBatch>[] outputs, CancellationToken cancel)
    {
        try
        {
            await foreach (var batch in parsed.ReadAllAsync(cancel).ConfigureAwait(false))
            {
                batch.SetConsumers(outputs.Length);
                foreach (var output in outputs)
                {
                    await output.Writer.WriteAsync(batch, cancel).ConfigureAwait(false);
                }
            }

            foreach (var output in outputs)
            {
                output.Writer.Complete();
            }
        }
        catch (Exception e)
        {
            foreach (var output in outputs)
            {
                output.Writer.TryComplete(e);
            }

            throw;
        }
    }

    private static Channel<EventBatch> NewChannel() =>
        Channel.CreateBounded<EventBatch>(new BoundedChannelOptions(ChannelCapacity)
        {
            SingleReader = true,
            SingleWriter = true,
            FullMode = BoundedChannelFullMode.Wait,
        });

    private static ReplayRunResult Finish(Replay replay, ReplayCounts counts, TraceInput input, TraceInfo info, ReplayRunOptions options, TimeSpan wall)
    {
        var tables = new List<TableEntry>();
        var metrics = new List<Metric>
        {
            new("events", counts.Replayed),
            new("rows_rejected", info.RowsRejected),
        };
        foreach (var analyzer in replay.Analyzers)
        {
            tables.AddRange(analyzer.Complete());
            metrics.AddRange(analyzer.Metrics);
        }

        var knobs = new List<KeyValuePair<string, string>>();
        foreach (var knob in replay.Target.Policy.Knobs)
        {
            knobs.Add(new(knob.Name, knob.Value));
        }

        var notModelled = new List<KeyValuePair<string, long>>();
        foreach (var (op, count) in counts.NotModelledByOp())
        {
            notModelled.Add(new(OpTable.Name(op), count));
        }

        var manifest = new RunManifest
        {
            ToolVersion = ToolVersion,
            Trace = input,
            Policy = replay.Target.Policy.Name,
            Knobs = knobs,
            Seed = options.Seed,
            Rows = new RowAccounting(
                info.RowsRead,
                info.RowsRejected,
                info.RowsIgnored,
                info.EventsEmitted,
                counts.Replayed,
                counts.Recorded,
                counts.NotModelled,
                notModelled,
                counts.Effects),
            Metrics = metrics,
            Tables = tables,
        };
        var directory = replay.Target.OutputDirectory;
        AtomicFile.Write(Path.Combine(directory, "manifest.json"), manifest.WriteTo);
        if (options.WriteTiming)
        {
            TimingFile.Write(Path.Combine(directory, "timing.json"), wall, "rows_per_second", info.RowsRead);
        }

        return new ReplayRunResult(manifest, metrics, wall);
    }

    private static async Task<TraceInput> DescribeInputAsync(string path, string name, TraceInfo info, CancellationToken cancel)
    {
        var format = info.Format.ToString().ToLowerInvariant();
        if (path == "-")
        {
            return new TraceInput(name, path, format, info.BytesRead, "");
        }

        var file = new FileInfo(path);
        await using var stream = file.OpenRead();
        var hash = await SHA256.HashDataAsync(stream, cancel).ConfigureAwait(false);
        return new TraceInput(name, path, format, file.Length, Convert.ToHexStringLower(hash));
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

    /// <summary>One policy's replay of the shared event stream.</summary>
    private sealed record Replay(ReplayTarget Target, Machine Machine, List<IAnalyzer> Analyzers);
}
