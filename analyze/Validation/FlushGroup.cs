using MmReplay.Ingest;
using MmReplay.Ingest.Ftrace;

namespace MmReplay.Analyze.Validation;

/// <summary>
/// Ops whose flushes are compared together: a syscall's op with the kernel faults logged inside its window, or one
/// fault (or exit) on its own. Recorded flushes are attributed to groups by <see cref="TraceValidator"/>.
/// </summary>
internal sealed class FlushGroup
{
    public FlushGroup(FtraceSyscallWindow? window) => Window = window;

    public FtraceSyscallWindow? Window { get; }

    public FlushTally Recorded { get; } = new();

    public FlushTally Predicted { get; } = new();

    /// <summary>The row that carries the group's flush comparison: the syscall's own op, else the first op.</summary>
    public OpAgreement? Head { get; set; }

    /// <summary>The recorded flushes attributed here (reported one by one when the group has no op).</summary>
    public List<TraceEvent> RecordedEvents { get; } = [];
}
