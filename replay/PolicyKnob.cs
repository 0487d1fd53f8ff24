namespace MmReplay.Replay;

/// <summary>One knob of a <see cref="KernelPolicy"/>: its name, value, accepted values and the commit behind it.</summary>
public sealed record PolicyKnob(string Name, string Value, string Values, string Commit, string Meaning);
