namespace MmReplay.Ingest.Ftrace;

/// <summary>The syscalls whose enter/exit events the reader understands (x86-64 argument order).</summary>
public enum SyscallKind : byte
{
    /// <summary>Any other syscall: counted by name, no op.</summary>
    Other = 0,
    Mmap,
    Munmap,
    Mprotect,
    Madvise,
    Mremap,
    Brk,
    Clone,
    Clone3,
    Fork,
    Vfork,
    Exit,
    ExitGroup,
    IoUringSetup,
    IoUringRegister,
    IoUringEnter,
    Ioctl,
    Userfaultfd,
}
