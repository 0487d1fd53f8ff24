namespace MmReplay.Oracle;

/// <summary>One trace's outcome on one kernel: the op list it ran (with its skipped ops) and what the kernel showed.</summary>
public sealed record OracleTraceResult(string Name, OpList OpList, IReadOnlyList<KernelObservation> Observations, int? ExitStatus)
{
    public bool Completed => ExitStatus == 0;
}
