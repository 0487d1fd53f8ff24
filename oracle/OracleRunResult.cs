namespace MmReplay.Oracle;

/// <summary>One boot: the kernel, what <c>uname -r</c> said in the guest, how long the boot took, and each trace's result.</summary>
public sealed record OracleRunResult(OracleKernel Kernel, string? KernelRelease, TimeSpan Elapsed, IReadOnlyList<OracleTraceResult> Traces, IReadOnlyList<string> Ftrace);
