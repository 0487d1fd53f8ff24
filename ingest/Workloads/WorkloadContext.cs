using MathNet.Numerics.Distributions;

namespace MmReplay.Ingest.Workloads;

/// <summary>
/// What the workloads of one trace share: the one seeded generator, the options, and the allocators that keep pids,
/// device names, addresses and CPU placement unique across them (a mixed trace runs several workloads side by side).
/// </summary>
public sealed class WorkloadContext
{
    /// <summary>First pid handed out; every thread takes one id from the same space, as Linux tids do.</summary>
    public const int FirstPid = 1000;

    /// <summary>Regions start here and are laid out upwards, each 2 MiB aligned with a 2 MiB guard gap after it.</summary>
    public const ulong FirstAddress = 0x10000000;

    private const ulong Align = 2UL << 20;
    private int _nextPid = FirstPid;
    private int _nextCpu;
    private ulong _nextAddress = FirstAddress;
    private readonly Dictionary<string, int> _deviceCounts = new(StringComparer.Ordinal);

    public WorkloadContext(WorkloadOptions options, Random random)
    {
        Options = options;
        Random = random;
    }

    public WorkloadOptions Options { get; }

    public Random Random { get; }

    /// <summary>A new process id (or thread id).</summary>
    public int NewPid() => _nextPid++;

    /// <summary>The next CPU in round robin, so threads and processes spread over the machine.</summary>
    public int NextCpu()
    {
        var cpu = _nextCpu;
        _nextCpu = (_nextCpu + 1) % Options.Cpus;
        return cpu;
    }

    /// <summary>A device name not used before in this trace: prefix + number (gpu0, gpu1, kvm0, ...).</summary>
    public string NewDeviceName(string prefix)
    {
        _deviceCounts.TryGetValue(prefix, out var n);
        _deviceCounts[prefix] = n + 1;
        return prefix + n.ToString(System.Globalization.CultureInfo.InvariantCulture);
    }

    /// <summary>A virtual range of <paramref name="pages"/> pages that no other region of the trace overlaps.</summary>
    public Region Reserve(int pages)
    {
        var start = _nextAddress;
        var bytes = (ulong)pages * TraceBuilder.PageSize;
        _nextAddress += ((bytes + Align - 1) / Align * Align) + Align;
        return new Region(start, pages);
    }

    /// <summary>A Poisson-distributed count with the given mean, at least 1 (intervals between rounds, lifetimes).</summary>
    public int Interval(double mean) => Math.Max(1, Poisson.Sample(Random, mean));

    /// <summary>True with probability <paramref name="p"/>.</summary>
    public bool Chance(double p) => Random.NextDouble() < p;

    /// <summary>A Zipf page sampler over <paramref name="pages"/> pages with the trace's exponent.</summary>
    public ZipfSampler Zipf(int pages) => new(pages, Options.Zipf, Random);
}
