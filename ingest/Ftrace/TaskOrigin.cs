namespace MmReplay.Ingest.Ftrace;

/// <summary>How a task came to use its address space; it decides what its exit and exec mean for the mm.</summary>
internal enum TaskOrigin : byte
{
    /// <summary>Owns the mm: a forked process or a task first seen in the trace (assumed a process).</summary>
    Process = 0,
    /// <summary>CLONE_THREAD: a thread of <see cref="TaskState.MmPid"/>; its exit ends the mm only if the group dies.</summary>
    Thread = 1,
    /// <summary>CLONE_VM without CLONE_THREAD (vfork, posix_spawn): borrows the parent's mm until it execs or exits.</summary>
    BorrowedMm = 2,
}
