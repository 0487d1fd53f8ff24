namespace MmReplay.Oracle;

/// <summary>
/// What one trace did in the guest. <see cref="ExitStatus"/>: 0 when the trace ran to its end, 1 when a trace
/// process died, 2 on the guest's per-trace timeout, null when the guest never reported an end (boot died).
/// </summary>
public sealed class TraceRun
{
    public TraceRun(int index, string name, IReadOnlyList<KernelObservation> observations, int? exitStatus)
    {
        Index = index;
        Name = name;
        Observations = observations;
        ExitStatus = exitStatus;
    }

    public int Index { get; }
    public string Name { get; }
    public IReadOnlyList<KernelObservation> Observations { get; }
    public int? ExitStatus { get; }
    public bool Completed => ExitStatus == 0;
}
