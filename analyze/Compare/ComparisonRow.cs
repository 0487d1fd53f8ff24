namespace MmReplay.Analyze.Compare;

/// <summary>One metric under one policy against the baseline, across traces.</summary>
public sealed record ComparisonRow(
    string Metric,
    string Policy,
    string Baseline,
    int Traces,
    double BaselineMean,
    double PolicyMean,
    double MeanDelta,
    double MedianDelta,
    double CiLow,
    double CiHigh,
    double PValue,
    string Test);
