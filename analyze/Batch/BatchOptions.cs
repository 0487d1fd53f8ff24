using MmReplay.Replay;

namespace MmReplay.Analyze.Batch;

/// <summary>A batch: every trace under every policy into one Hive-partitioned dataset.</summary>
public sealed record BatchOptions
{
    public required IReadOnlyList<string> Traces { get; init; }

    public required IReadOnlyList<KernelPolicy> Policies { get; init; }

    public required string Dataset { get; init; }

    /// <summary>Traces replayed at the same time (each parsed once, fanned out to every policy).</summary>
    public int Jobs { get; init; } = Environment.ProcessorCount;

    /// <summary>Skip partitions that are already complete (an interrupted batch loses nothing that finished).</summary>
    public bool Resume { get; init; }

    /// <summary>Replay only the traces of shard Index of Count (stable by trace name; shards union to the whole).</summary>
    public Shard? Shard { get; init; }

    public ulong Seed { get; init; }

    public bool Strict { get; init; }

    public int Cpus { get; init; } = 64;

    public Costs.CostModel Costs { get; init; } = MmReplay.Analyze.Costs.CostModel.Default;

    public IProgress<BatchProgress>? Progress { get; init; }
}

/// <summary>Shard i of n (0-based), as a Kubernetes Indexed Job or a Slurm array task would get it.</summary>
public readonly record struct Shard(int Index, int Count)
{
    public static bool TryParse(string text, out Shard shard)
    {
        shard = default;
        var slash = text?.IndexOf('/', StringComparison.Ordinal) ?? -1;
        if (slash <= 0
            || !int.TryParse(text.AsSpan(0, slash), System.Globalization.CultureInfo.InvariantCulture, out var index)
            || !int.TryParse(text.AsSpan(slash + 1), System.Globalization.CultureInfo.InvariantCulture, out var count)
            || count < 1 || index < 0 || index >= count)
        {
            return false;
        }

        shard = new Shard(index, count);
        return true;
    }

    /// <summary>Stable assignment by trace name (FNV-1a), independent of the order the traces were listed in.</summary>
    public bool Contains(string traceName)
    {
        ArgumentNullException.ThrowIfNull(traceName);
        var hash = 2166136261u;
        foreach (var c in traceName)
        {
            hash = (hash ^ c) * 16777619u;
        }

        return hash % (uint)Count == (uint)Index;
    }
}

/// <summary>Where a batch stands (for the progress display).</summary>
public readonly record struct BatchProgress(int TracesDone, int TracesTotal, long Events, long Bytes);
