namespace MmReplay.Analyze.Runs;

/// <summary>Everything one replay of one trace needs: the CLI maps its flags onto this.</summary>
public sealed record ReplayRunOptions
{
    public required string TracePath { get; init; }

    /// <summary>One replay per target, all fed from a single parse of the trace.</summary>
    public required IReadOnlyList<ReplayTarget> Targets { get; init; }

    /// <summary>Where rejected rows go (rejects.csv); the parse is shared, so there is one per trace.</summary>
    public required string RejectsPath { get; init; }

    /// <summary>Name used in table columns and partitions (default: the file name without extensions).</summary>
    public string? TraceName { get; init; }

    public ulong Seed { get; init; }

    /// <summary>Stop at the first rejected row (exit code 65) instead of writing it to rejects.csv.</summary>
    public bool Strict { get; init; }

    /// <summary>CPUs of the modelled machine (mm_cpumask is 64 bits wide). Idle CPUs cost nothing.</summary>
    public int Cpus { get; init; } = 64;

    /// <summary>Parse on this many cores (order is preserved); -1 = all.</summary>
    public int Parallelism { get; init; } = -1;

    /// <summary>Costs for the modelled-cost metrics and columns (docs/costs.md; --costs overrides).</summary>
    public Costs.CostModel Costs { get; init; } = MmReplay.Analyze.Costs.CostModel.Default;

    /// <summary>Write timing.json (wall time) beside each manifest; the only file of a run that is not reproducible.</summary>
    public bool WriteTiming { get; init; } = true;

    /// <summary>
    /// The analyzers attached to each replay (default: every table of a dataset, <see cref="AnalyzerSet.Create"/>).
    /// Fewer analyzers cost less: the model does not even produce effects that none of them consumes.
    /// </summary>
    public Func<RunContext, List<IAnalyzer>> Analyzers { get; init; } = AnalyzerSet.Create;

    /// <summary>Called now and then with the input bytes read so far (progress display).</summary>
    public IProgress<long>? Progress { get; init; }
}
