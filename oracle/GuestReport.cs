namespace MmReplay.Oracle;

/// <summary>Everything one boot sent back on the result port: the kernel release, each trace's run, ftrace lines.</summary>
public sealed class GuestReport
{
    public GuestReport(string? kernelRelease, IReadOnlyList<TraceRun> traces, IReadOnlyList<string> ftrace, bool finished)
    {
        KernelRelease = kernelRelease;
        Traces = traces;
        Ftrace = ftrace;
        Finished = finished;
    }

    /// <summary><c>uname -r</c> in the guest.</summary>
    public string? KernelRelease { get; }
    public IReadOnlyList<TraceRun> Traces { get; }
    /// <summary>tracefs lines (page faults, TLB flushes) when the boot recorded them.</summary>
    public IReadOnlyList<string> Ftrace { get; }
    /// <summary>True when the guest reached the end of its init script.</summary>
    public bool Finished { get; }
}
