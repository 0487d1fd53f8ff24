namespace MmReplay.Oracle;

/// <summary>What a guest observation line reports; the word in the line is the lower-case name.</summary>
public enum ObservationKind : byte
{
    /// <summary>A CPU read of one page: value read, faults taken.</summary>
    Read,
    /// <summary>A CPU write of one page: value written, faults taken.</summary>
    Write,
    /// <summary>A /proc/self/pagemap entry (raw 64 bits).</summary>
    Pagemap,
    /// <summary>An access raised a signal (value: SIGSEGV 11 or SIGBUS 7).</summary>
    Segv,
    /// <summary>The op's system call failed (value: errno).</summary>
    Error,
    /// <summary>A device read of a pinned page through io_uring WRITE_FIXED (value read).</summary>
    DmaRead,
    /// <summary>PAGEMAP_SCAN: value 1 when the page was reported written.</summary>
    Scan,
}
