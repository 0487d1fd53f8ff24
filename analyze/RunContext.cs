namespace MmReplay.Analyze;

/// <summary>What every table row is labelled with, so tables from many runs concatenate.</summary>
public sealed record RunContext(string Trace, string Policy, ulong Seed, string OutputDirectory)
{
    /// <summary>
    /// Name of a device (dev= of dev_attach) by Effect.Device. A function, not a list: the reader learns names as
    /// it goes, always before the events that use them reach an analyzer.
    /// </summary>
    public Func<int, string> DeviceName { get; init; } = device => $"dev{device}";

    /// <summary>Microsecond costs for the modelled-cost columns (docs/costs.md).</summary>
    public Costs.CostModel Costs { get; init; } = MmReplay.Analyze.Costs.CostModel.Default;
}
