namespace MmReplay.Ingest.Ftrace;

/// <summary>Syscall name (as in <c>sys_NAME</c> / <c>sys_enter_NAME</c>) to <see cref="SyscallKind"/>, and how many arguments the mapper reads.</summary>
internal static class SyscallNames
{
    public static SyscallKind Lookup(ReadOnlySpan<byte> name) => name switch
    {
        _ when name.SequenceEqual("mmap"u8) => SyscallKind.Mmap,
        _ when name.SequenceEqual("munmap"u8) => SyscallKind.Munmap,
        _ when name.SequenceEqual("mprotect"u8) => SyscallKind.Mprotect,
        _ when name.SequenceEqual("madvise"u8) => SyscallKind.Madvise,
        _ when name.SequenceEqual("mremap"u8) => SyscallKind.Mremap,
        _ when name.SequenceEqual("brk"u8) => SyscallKind.Brk,
        _ when name.SequenceEqual("clone"u8) => SyscallKind.Clone,
        _ when name.SequenceEqual("clone3"u8) => SyscallKind.Clone3,
        _ when name.SequenceEqual("fork"u8) => SyscallKind.Fork,
        _ when name.SequenceEqual("vfork"u8) => SyscallKind.Vfork,
        _ when name.SequenceEqual("exit"u8) => SyscallKind.Exit,
        _ when name.SequenceEqual("exit_group"u8) => SyscallKind.ExitGroup,
        _ when name.SequenceEqual("io_uring_setup"u8) => SyscallKind.IoUringSetup,
        _ when name.SequenceEqual("io_uring_register"u8) => SyscallKind.IoUringRegister,
        _ when name.SequenceEqual("io_uring_enter"u8) => SyscallKind.IoUringEnter,
        _ when name.SequenceEqual("ioctl"u8) => SyscallKind.Ioctl,
        _ when name.SequenceEqual("userfaultfd"u8) => SyscallKind.Userfaultfd,
        _ => SyscallKind.Other,
    };

    /// <summary>Arguments the mapper needs; fewer on an entry line means the line was cut.</summary>
    public static int ArgumentsUsed(SyscallKind kind) => kind switch
    {
        SyscallKind.Mmap => 6,          // addr, len, prot, flags, fd, off
        SyscallKind.Munmap => 2,        // addr, len
        SyscallKind.Mprotect => 3,      // start, len, prot
        SyscallKind.Madvise => 3,       // start, len_in, behavior
        SyscallKind.Mremap => 5,        // addr, old_len, new_len, flags, new_addr
        SyscallKind.Brk => 1,           // brk
        SyscallKind.Clone => 1,         // clone_flags, ...
        SyscallKind.Ioctl => 2,         // fd, cmd, arg
        _ => 0,
    };
}
