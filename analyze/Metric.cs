namespace MmReplay.Analyze;

/// <summary>One headline number of a run (terminal summary, policy comparison).</summary>
public readonly record struct Metric(string Name, double Value);
