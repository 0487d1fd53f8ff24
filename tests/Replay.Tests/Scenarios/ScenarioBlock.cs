namespace MmReplay.Replay.Tests.Scenarios;

/// <summary>A block of an .expect file: the presets it applies to, knob overrides, and its expectations.</summary>
public sealed record ScenarioBlock(IReadOnlyList<string> Presets, IReadOnlyList<string> Overrides, IReadOnlyList<Expectation> Expectations, int HeaderLine);
