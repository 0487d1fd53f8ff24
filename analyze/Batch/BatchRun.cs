using System.Diagnostics;
using System.Text.Json;
using MmReplay.Analyze.Runs;
using MmReplay.Arrow;
using MmReplay.Replay;

namespace MmReplay.Analyze.Batch;

/// <summary>
/// Replays every trace under every policy, in parallel across traces (each parsed once and fanned out to one
/// replay per policy), into a Hive-partitioned dataset. A partition is built in a work folder and renamed into
/// place when complete; the dataset manifest is rebuilt from the complete partitions at the end, so it is the
/// same whatever the job count, the shards, or the interruptions that came before.
/// </summary>
public static class BatchRun
{
    public static async Task<BatchResult> RunAsync(BatchOptions options, CancellationToken cancel)
    {
        ArgumentNullException.ThrowIfNull(options);
        var clock = Stopwatch.StartNew();
        var traces = Select(options);
        Directory.CreateDirectory(options.Dataset);
        var work = Path.Combine(options.Dataset, DatasetLayout.WorkFolder, $"{Environment.ProcessId}-{Guid.NewGuid():N}");

        var runs = new List<ReplayRunResult>();
        var failures = new List<BatchFailure>();
        var skipped = 0;
        var done = 0;
        long events = 0, bytes = 0;
        var gate = new Lock();
        options.Progress?.Report(new BatchProgress(0, traces.Count, 0, 0));
        try
        {
            await Parallel.ForEachAsync(
                traces,
                new ParallelOptions { MaxDegreeOfParallelism = Math.Max(1, options.Jobs), CancellationToken = cancel },
                async (trace, ct) =>
                {
                    var pending = new List<KernelPolicy>();
                    foreach (var policy in options.Policies)
                    {
                        if (!(options.Resume && DatasetLayout.IsComplete(DatasetLayout.Partition(options.Dataset, policy.Name, trace.Name))))
                        {
                            pending.Add(policy);
                        }
                    }

                    IReadOnlyList<ReplayRunResult> results = [];
                    Exception? failure = null;
                    if (pending.Count > 0)
                    {
                        try
                        {
                            results = await ReplayTraceAsync(options, trace, pending, work, ct).ConfigureAwait(false);
                        }
                        catch (Exception e) when (e is not OperationCanceledException || !ct.IsCancellationRequested)
                        {
                            failure = e;
                        }
                    }

                    lock (gate)
                    {
                        skipped += options.Policies.Count - pending.Count;
                        if (failure is not null)
                        {
                            failures.Add(new BatchFailure(trace.Path, failure));
                        }

                        runs.AddRange(results);
                        if (results.Count > 0)
                        {
                            events += results[0].Manifest.Rows.Events;
                            bytes += results[0].Manifest.Trace.Bytes;
                        }

                        done++;
                        options.Progress?.Report(new BatchProgress(done, traces.Count, events, bytes));
                    }
                }).ConfigureAwait(false);
        }
        finally
        {
            TryDelete(work);
            TryDeleteIfEmpty(Path.Combine(options.Dataset, DatasetLayout.WorkFolder));
        }

        DatasetManifest.Write(options.Dataset);
        runs.Sort((a, b) =>
        {
            var byTrace = string.CompareOrdinal(a.Manifest.Trace.Name, b.Manifest.Trace.Name);
            return byTrace != 0 ? byTrace : string.CompareOrdinal(a.Manifest.Policy, b.Manifest.Policy);
        });
        failures.Sort((a, b) => string.CompareOrdinal(a.Trace, b.Trace));
        clock.Stop();
        TimingFile.Write(Path.Combine(options.Dataset, "_timing.json"), clock.Elapsed, "events_replayed_per_second", events);
        return new BatchResult(runs, skipped, failures, clock.Elapsed);
    }

    /// <summary>The traces of this shard, by name; two inputs with one name would collide in the dataset.</summary>
    private static List<(string Path, string Name)> Select(BatchOptions options)
    {
        var byName = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var path in options.Traces)
        {
            var name = ReplayRun.TraceName(path);
            if (byName.TryGetValue(name, out var other) && other != path)
            {
                throw new ArgumentException($"traces '{other}' and '{path}' have the same name '{name}'; rename one");
            }

            byName[name] = path;
        }

        var selected = new List<(string Path, string Name)>();
        foreach (var (name, path) in byName)
        {
            if (options.Shard is not { } shard || shard.Contains(name))
            {
                selected.Add((path, name));
            }
        }

        selected.Sort((a, b) => string.CompareOrdinal(a.Name, b.Name));
        return selected;
    }

    private static async Task<IReadOnlyList<ReplayRunResult>> ReplayTraceAsync(
        BatchOptions options, (string Path, string Name) trace, List<KernelPolicy> policies, string work, CancellationToken cancel)
    {
        var staging = Path.Combine(work, DatasetLayout.Encode(trace.Name));
        var targets = new List<ReplayTarget>();
        foreach (var policy in policies)
        {
            targets.Add(new ReplayTarget(policy, Path.Combine(staging, DatasetLayout.Encode(policy.Name))));
        }

        var results = await ReplayRun.RunAsync(
            new ReplayRunOptions
            {
                TracePath = trace.Path,
                TraceName = trace.Name,
                Targets = targets,
                RejectsPath = DatasetLayout.Rejects(options.Dataset, trace.Name),
                Seed = options.Seed,
                Strict = options.Strict,
                Cpus = options.Cpus,
                Costs = options.Costs,
                // Traces already run in parallel; a second level of parallel parsing would only contend.
                Parallelism = options.Jobs == 1 ? -1 : 1,
                WriteTiming = false,
            },
            cancel).ConfigureAwait(false);

        foreach (var target in targets)
        {
            var partition = DatasetLayout.Partition(options.Dataset, target.Policy.Name, trace.Name);
            Directory.CreateDirectory(Path.GetDirectoryName(partition)!);
            if (Directory.Exists(partition))
            {
                Directory.Delete(partition, recursive: true);
            }

            Directory.Move(target.OutputDirectory, partition);
        }

        TryDelete(staging);
        return results;
    }


    private static void TryDelete(string directory)
    {
        try
        {
            if (Directory.Exists(directory))
            {
                Directory.Delete(directory, recursive: true);
            }
        }
        catch (IOException)
        {
            // Best effort: a leftover work folder is ignored by readers and removed by the next batch.
        }
    }

    private static void TryDeleteIfEmpty(string directory)
    {
        if (Directory.Exists(directory) && Directory.GetFileSystemEntries(directory).Length == 0)
        {
            TryDelete(directory);
        }
    }
}
