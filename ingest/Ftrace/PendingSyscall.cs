namespace MmReplay.Ingest.Ftrace;

/// <summary>A syscall entry waiting for its exit on the same tid.</summary>
internal struct PendingSyscall
{
    public SyscallKind Kind;
    public SyscallArgs Args;
    public long Line;
    /// <summary>clone family: sched_process_fork already reported the child.</summary>
    public bool ForkSeen;
}
