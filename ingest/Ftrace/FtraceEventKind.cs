namespace MmReplay.Ingest.Ftrace;

/// <summary>What one ftrace event line is, decided from its event name (and, for syscalls, its punctuation).</summary>
public enum FtraceEventKind : byte
{
    /// <summary>An event this reader does not know: counted by name, never fatal.</summary>
    Unknown = 0,
    TlbFlush,
    PageFaultUser,
    PageFaultKernel,
    SchedProcessFork,
    SchedProcessExit,
    SchedProcessExec,
    /// <summary><c>mmap_lock:*</c>: read and counted, ignored by design (the model takes its own locks).</summary>
    MmapLock,
    /// <summary><c>ipi:*</c>: read and counted, ignored by design (IPIs are implied by remote tlb_flush events).</summary>
    Ipi,
    SyscallEnter,
    SyscallExit,
    /// <summary>A <c>trace_marker</c> write: <c>tracing_mark_write: TEXT</c> (tracefs) or <c>print: tracing_mark_write: TEXT</c> (trace-cmd).</summary>
    Marker,
    /// <summary>A <c>print</c> event that is not a trace_marker write (trace_printk and friends).</summary>
    Print,
}
