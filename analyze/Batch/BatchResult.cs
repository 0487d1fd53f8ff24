using MmReplay.Analyze.Runs;

namespace MmReplay.Analyze.Batch;

/// <summary>What a batch did: runs completed now, partitions skipped as already complete, traces that failed.</summary>
public sealed record BatchResult(
    IReadOnlyList<ReplayRunResult> Runs,
    int PartitionsSkipped,
    IReadOnlyList<BatchFailure> Failures,
    TimeSpan Wall);

/// <summary>A trace the batch could not replay; the other traces go on.</summary>
public sealed record BatchFailure(string Trace, Exception Error);
