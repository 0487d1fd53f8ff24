using MmReplay.Ingest;

namespace MmReplay.Oracle;

/// <summary>A trace op the kernel cannot run from user space: reported, never silently dropped.</summary>
public readonly record struct SkippedOp(long Line, int Pid, OpCode Op, string Reason);
