using MmReplay.Replay;

namespace MmReplay.Analyze.Runs;

/// <summary>One policy to replay a trace under, and the directory its tables go to.</summary>
public sealed record ReplayTarget(KernelPolicy Policy, string OutputDirectory);
