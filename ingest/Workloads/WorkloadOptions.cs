namespace MmReplay.Ingest.Workloads;

/// <summary>
/// Parameters of a generated trace (`mmreplay gen` flags). Every workload reads the ones that concern it and
/// ignores the rest; docs/workloads.md says which. Rates are means of the Poisson or exponential draws.
/// </summary>
public sealed record WorkloadOptions
{
    /// <summary>Workload name (<see cref="WorkloadCatalog.Names"/>).</summary>
    public required string Workload { get; init; }

    /// <summary>Seed of the one random generator (MathNet Xoshiro256StarStar) every draw comes from.</summary>
    public int Seed { get; init; }

    /// <summary>Body events to generate; the workload's teardown (unpin, detach, munmap, exit) adds a few more.</summary>
    public long Events { get; init; } = 10_000;

    /// <summary>Working-set pages per process (per buffer set, per guest).</summary>
    public int Pages { get; init; } = 256;

    /// <summary>Processes (VMs, dumpees); null = the workload's default (2 for ksm, else 1). For mixed: per component.</summary>
    public int? Processes { get; init; }

    /// <summary>Threads per process (vCPUs for the VM workloads).</summary>
    public int Threads { get; init; } = 2;

    /// <summary>CPUs the threads are spread over (round robin); every event's cpu is below this.</summary>
    public int Cpus { get; init; } = 4;

    /// <summary>Zipf exponent s of page popularity (0 = uniform; 1 = classic Zipf).</summary>
    public double Zipf { get; init; } = 1.0;

    /// <summary>Fraction of accesses that are writes.</summary>
    public double WriteRatio { get; init; } = 0.5;

    /// <summary>Fraction of guest/device accesses that go through the device (secondary) TLB instead of a CPU.</summary>
    public double DeviceRatio { get; init; } = 0.5;

    /// <summary>Mean accesses between periodic rounds: dumps, dirty scans, NUMA scans, KSM passes (Poisson).</summary>
    public double RoundEvery { get; init; } = 400;

    /// <summary>Mean accesses between churn events: forks, munmaps, migrations, re-registrations (Poisson).</summary>
    public double ChurnEvery { get; init; } = 150;

    /// <summary>Mean nanoseconds between consecutive events (exponential; at least 1, so time always increases).</summary>
    public double GapNs { get; init; } = 500;

    /// <summary>mixed only: workload weights (name, weight); null = every other workload with weight 1.</summary>
    public IReadOnlyList<KeyValuePair<string, double>>? Mix { get; init; }

    /// <summary>Events per <see cref="EventBatch"/>.</summary>
    public int BatchSize { get; init; } = EventBatch.DefaultCapacity;

    /// <summary>Throws <see cref="ArgumentException"/> naming the flag of the first invalid value.</summary>
    public void Validate()
    {
        Require(WorkloadCatalog.IsKnown(Workload), "--workload", $"unknown workload '{Workload}' (known: {string.Join(", ", WorkloadCatalog.Names)})");
        Require(Events >= 0, "--events", "must be >= 0");
        Require(Pages is >= 16 and <= 1 << 24, "--pages", "must be between 16 and 16777216");
        Require(Processes is null or (>= 1 and <= 1024), "--processes", "must be between 1 and 1024");
        Require(Threads is >= 1 and <= 256, "--threads", "must be between 1 and 256");
        Require(Cpus is >= 1 and <= 64, "--cpus", "must be between 1 and 64 (mm_cpumask is one 64-bit word)");
        Require(Zipf is >= 0 and <= 10, "--zipf", "must be between 0 and 10");
        Require(WriteRatio is >= 0 and <= 1, "--write-ratio", "must be between 0 and 1");
        Require(DeviceRatio is >= 0 and <= 1, "--device-ratio", "must be between 0 and 1");
        Require(RoundEvery >= 1, "--round-every", "must be >= 1");
        Require(ChurnEvery >= 1, "--churn-every", "must be >= 1");
        Require(GapNs >= 1, "--gap-ns", "must be >= 1");
        Require(BatchSize >= 1, "batch size", "must be >= 1");
        Require(Workload != WorkloadCatalog.Ksm || Processes is null or >= 2, "--processes", "ksm merges pages across processes: needs at least 2");
        if (Mix is not null)
        {
            Require(Workload == WorkloadCatalog.Mixed, "--mix", "only applies to --workload mixed");
            var total = 0.0;
            foreach (var (name, weight) in Mix)
            {
                Require(WorkloadCatalog.IsKnown(name) && name != WorkloadCatalog.Mixed, "--mix", $"unknown component workload '{name}'");
                Require(weight >= 0 && double.IsFinite(weight), "--mix", $"weight of {name} must be a finite number >= 0");
                total += weight;
            }

            Require(total > 0, "--mix", "needs at least one positive weight");
        }
    }

    private static void Require(bool ok, string flag, string message)
    {
        if (!ok)
        {
            throw new ArgumentException($"{flag}: {message}");
        }
    }
}
