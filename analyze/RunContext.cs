namespace MmReplay.Analyze;

/// <summary>What every table row is labelled with, so tables from many runs concatenate.</summary>
public sealed record RunContext(string Trace, string Policy, ulong Seed, string OutputDirectory)
{
    /// <summary>Device names of the trace, indexed by Effect.Device.</summary>
    public IReadOnlyList<string> Devices { get; init; } = [];
}
