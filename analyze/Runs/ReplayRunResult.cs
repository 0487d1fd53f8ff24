namespace MmReplay.Analyze.Runs;

/// <summary>What a finished run wrote and measured.</summary>
public sealed record ReplayRunResult(RunManifest Manifest, IReadOnlyList<Metric> Metrics, TimeSpan Wall);
