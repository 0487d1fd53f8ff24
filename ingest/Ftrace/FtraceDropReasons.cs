namespace MmReplay.Ingest.Ftrace;

/// <summary>
/// Why a known event produced no op (keys of <see cref="FtraceStats.DroppedByReason"/>). Constant strings, so
/// counting them allocates nothing.
/// </summary>
public static class FtraceDropReasons
{
    public const string FailedSyscall = "syscall failed (negative return)";

    public const string ExitWithoutEntry = "syscall exit without its entry (tracing started inside the call)";

    public const string EntryWithoutExit = "syscall entry without its exit (replaced by a later entry)";

    public const string CloneInChild = "clone returned 0 in the child";

    public const string ForkAlreadySeen = "clone exit after sched_process_fork";

    public const string ThreadCreated = "thread created (CLONE_THREAD): shares the mm";

    public const string BorrowedMmCreated = "CLONE_VM child (vfork): borrows the parent's mm until exec";

    public const string ThreadExit = "thread exit (thread group lives on)";

    public const string BorrowedMmExit = "CLONE_VM child exit (the parent's mm lives on)";

    public const string KernelAddressFault = "page_fault_kernel on a kernel address";

    public const string SymbolAddressFault = "page fault address printed as a symbol";

    public const string AdviceNotModelled = "madvise advice not modelled";

    public const string BrkBaseUnknown = "brk before the break was known";

    public const string BrkSamePage = "brk kept the break within the same page";

    public const string PrintNotMarker = "print event that is not a trace_marker write";
}
