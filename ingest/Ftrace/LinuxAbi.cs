namespace MmReplay.Ingest.Ftrace;

/// <summary>x86-64 Linux numbers the mapper decodes (uapi mman, sched, ioctl, userfaultfd headers).</summary>
internal static class LinuxAbi
{
    public const ulong PageSize = 4096;

    public const ulong ProtMask = 7; // PROT_READ 1 | PROT_WRITE 2 | PROT_EXEC 4

    public const ulong MapShared = 0x01;
    public const ulong MapPrivate = 0x02;
    public const ulong MapSharedValidate = 0x03;
    public const ulong MapTypeMask = 0x0f;
    public const ulong MapFixed = 0x10;
    public const ulong MapAnonymous = 0x20;
    public const ulong MapPopulate = 0x8000;
    public const ulong MapHugeTlb = 0x40000;

    public const ulong CloneVm = 0x100;
    public const ulong CloneThread = 0x10000;

    /// <summary>Addresses at or above this are kernel addresses on x86-64 (canonical upper half).</summary>
    public const ulong KernelSpaceStart = 0x0000_8000_0000_0000;

    /// <summary>A syscall return in [-4095, -1] is an error number (IS_ERR_VALUE).</summary>
    public static bool IsError(long ret) => ret < 0 && ret >= -4095;

    public static ulong PageAlignUp(ulong value) => (value + PageSize - 1) & ~(PageSize - 1);

    /// <summary>madvise behavior numbers of the advices the model knows; other advice is counted, not mapped.</summary>
    public static bool TryMapAdvice(ulong behavior, out Advice advice)
    {
        advice = behavior switch
        {
            4 => Advice.DontNeed,       // MADV_DONTNEED
            10 => Advice.DontFork,      // MADV_DONTFORK
            11 => Advice.DoFork,        // MADV_DOFORK
            12 => Advice.Mergeable,     // MADV_MERGEABLE
            14 => Advice.HugePage,      // MADV_HUGEPAGE
            15 => Advice.NoHugePage,    // MADV_NOHUGEPAGE
            18 => Advice.WipeOnFork,    // MADV_WIPEONFORK
            21 => Advice.PageOut,       // MADV_PAGEOUT
            _ => Advice.None,
        };
        return advice != Advice.None;
    }

    /// <summary>
    /// Names the ioctls the reader reports (their arguments are user pointers the trace does not show, so they are
    /// counted, not replayed). _IOC layout: nr bits 0-7, type bits 8-15, size bits 16-29, direction bits 30-31.
    /// </summary>
    public static ReadOnlySpan<byte> IoctlName(ulong cmd)
    {
        var type = (cmd >> 8) & 0xff;
        var nr = cmd & 0xff;
        if (type == 0xAA) // UFFDIO, include/uapi/linux/userfaultfd.h
        {
            return nr switch
            {
                0x00 => "ioctl UFFDIO_REGISTER"u8,
                0x01 => "ioctl UFFDIO_UNREGISTER"u8,
                0x02 => "ioctl UFFDIO_WAKE"u8,
                0x03 => "ioctl UFFDIO_COPY"u8,
                0x04 => "ioctl UFFDIO_ZEROPAGE"u8,
                0x05 => "ioctl UFFDIO_MOVE"u8,
                0x06 => "ioctl UFFDIO_WRITEPROTECT"u8,
                0x07 => "ioctl UFFDIO_CONTINUE"u8,
                0x08 => "ioctl UFFDIO_POISON"u8,
                0x3F => "ioctl UFFDIO_API"u8,
                _ => "ioctl UFFDIO_other"u8,
            };
        }

        // PAGEMAP_SCAN is _IOWR('f', 16, struct pm_scan_arg); 'f' is shared with filesystem ioctls, so match nr too.
        if (type == 'f' && nr == 16 && (cmd >> 30) == 3)
        {
            return "ioctl PAGEMAP_SCAN"u8;
        }

        return "ioctl other"u8;
    }
}
