namespace MmReplay.Ingest.Ftrace;

/// <summary>
/// One syscall as the trace shows it: entered on <paramref name="Tid"/> at line <paramref name="EnterLine"/> and
/// returned at <paramref name="ExitLine"/>. Events the same tid logs between the two lines happened inside the call
/// (its TLB flushes, the kernel-mode faults of a copy to user). The op the reader emits for the call, if any, carries
/// <paramref name="ExitLine"/> (a fork's op carries the sched_process_fork line inside the window).
/// </summary>
public readonly record struct FtraceSyscallWindow(int Tid, int Cpu, long EnterLine, long ExitLine, SyscallKind Syscall, long Ret);
