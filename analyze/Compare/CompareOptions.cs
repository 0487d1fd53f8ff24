namespace MmReplay.Analyze.Compare;

/// <summary>A comparison of policies against a baseline over the traces of a batch dataset.</summary>
public sealed record CompareOptions
{
    public required string Dataset { get; init; }

    public required string Baseline { get; init; }

    /// <summary>Policies to compare (default: every other policy in the dataset, in name order).</summary>
    public IReadOnlyList<string>? Policies { get; init; }

    /// <summary>Where comparison.arrow and comparison_traces.arrow go.</summary>
    public required string OutputDirectory { get; init; }

    /// <summary>Markdown report path, or null for none.</summary>
    public string? ReportPath { get; init; }

    /// <summary>Seeds the bootstrap (same seed, same intervals).</summary>
    public ulong Seed { get; init; }

    public int Resamples { get; init; } = 10_000;
}
