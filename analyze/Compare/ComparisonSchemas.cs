using MmReplay.Analyze.Tables;
using MmReplay.Arrow;

namespace MmReplay.Analyze.Compare;

/// <summary>The tables `mmreplay compare` writes (documented in docs/schemas.md).</summary>
public static class ComparisonSchemas
{
    public static TableSchema Summary { get; } = new(
        "comparison",
        "one metric under one policy against the baseline, across the traces both were replayed on",
        [
            new("metric", ArrowType.Utf8, "metric name, as in the run manifests"),
            new("policy", ArrowType.Utf8, "policy compared"),
            new("baseline", ArrowType.Utf8, "baseline policy"),
            new("seed", ArrowType.UInt64, "seed of the bootstrap (and of the runs)"),
            new("traces", ArrowType.Int32, "traces with a value under both policies (the pairs)"),
            new("baseline_mean", ArrowType.Float64, "mean of the metric under the baseline"),
            new("policy_mean", ArrowType.Float64, "mean of the metric under the policy"),
            new("mean_delta", ArrowType.Float64, "mean of per-trace deltas (policy - baseline)"),
            new("median_delta", ArrowType.Float64, "median of per-trace deltas"),
            new("ci_low", ArrowType.Float64, "lower end of the percentile-bootstrap confidence interval of the mean delta"),
            new("ci_high", ArrowType.Float64, "upper end of that interval"),
            new("ci_level", ArrowType.Float64, "confidence level of the interval (0.95)"),
            new("resamples", ArrowType.Int32, "bootstrap resamples"),
            new("p_value", ArrowType.Float64, "two-sided Wilcoxon signed-rank p-value of the paired deltas (1 when all deltas are 0)", Nullable: true),
            new("test", ArrowType.Utf8, "which p-value: exact (up to 20 non-zero deltas) or normal approximation"),
        ])
    { Standalone = true };

    public static TableSchema PerTrace { get; } = new(
        "comparison_traces",
        "one metric of one trace under one policy, with the baseline's value and the delta",
        [
            new("trace", ArrowType.Utf8, "trace name"),
            new("metric", ArrowType.Utf8, "metric name"),
            new("policy", ArrowType.Utf8, "policy compared"),
            new("baseline", ArrowType.Utf8, "baseline policy"),
            new("seed", ArrowType.UInt64, "seed of the runs"),
            new("baseline_value", ArrowType.Float64, "metric under the baseline"),
            new("value", ArrowType.Float64, "metric under the policy"),
            new("delta", ArrowType.Float64, "value - baseline_value"),
        ])
    { Standalone = true };
}
