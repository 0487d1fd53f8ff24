using System.Runtime.InteropServices;

namespace MmReplay.Ingest;

/// <summary>
/// One trace row, fully parsed: the single event struct every reader produces and the replay engine consumes.
/// Arguments are typed at ingest so nothing downstream parses strings. Fields whose meaning depends on
/// <see cref="Op"/> are documented per op; unused fields stay zero.
/// </summary>
[StructLayout(LayoutKind.Sequential)]
public struct TraceEvent
{
    /// <summary>Source line (1-based, physical line in the input file) for provenance and rejects.</summary>
    public long Line;
    /// <summary>Timestamp in ns; equals the row index when the trace has no time_ns column.</summary>
    public ulong TimeNs;
    /// <summary>Virtual address (mmap/munmap/... start; access address).</summary>
    public ulong Addr;
    /// <summary>Length in bytes (default one page).</summary>
    public ulong Len;
    /// <summary>write/dma_write/dev_write value (defaults to the row number); ksm_merge with_addr; mremap to.</summary>
    public ulong Value;
    /// <summary>mmap pgoff; wp_range/clean_range/writeback first; mremap new_len.</summary>
    public ulong PgOff;
    /// <summary>wp_range/clean_range/writeback nr; recorded tlb_flush pages (-1 = full flush).</summary>
    public long Count;
    public int Cpu;
    public int Pid;
    public int Tid;
    /// <summary>fork child; ksm_merge with_pid.</summary>
    public int OtherPid;
    /// <summary>mmap/wp_range/clean_range/writeback file id.</summary>
    public int FileId;
    /// <summary>Device id: index into the trace's device name table (dev_* ops).</summary>
    public int Device;
    /// <summary>fault error_code (x86 bits) when given; derived from access= otherwise.</summary>
    public uint ErrorCode;
    public OpCode Op;
    /// <summary>mmap/mprotect prot.</summary>
    public Prot Prot;
    /// <summary>mmap map=shared.</summary>
    public bool Shared;
    public Backing Backing;
    public FileSystem Fs;
    /// <summary>mmap flags.</summary>
    public MmapFlags MmapFlags;
    /// <summary>pin flags.</summary>
    public PinFlags PinFlags;
    public Advice Advice;
    /// <summary>fault access.</summary>
    public Access Access;
    /// <summary>clear_refs type (1..5).</summary>
    public byte ClearRefsType;
    /// <summary>dev_attach kind.</summary>
    public DeviceKind DeviceKind;
    /// <summary>Recorded tlb_flush reason.</summary>
    public TlbFlushReason TlbReason;
    /// <summary>Recorded notifier call.</summary>
    public NotifierCall NotifierCall;
    /// <summary>Recorded notifier event (None when the trace did not say).</summary>
    public NotifierEvent NotifierEvent;
    /// <summary>uffd_wp enable=1; pagemap_scan clear=1.</summary>
    public bool Enable;
    /// <summary>uffd_wp async=1.</summary>
    public bool Async;
    /// <summary>true when write/dma_write/dev_write gave value= explicitly.</summary>
    public bool HasValue;
}
