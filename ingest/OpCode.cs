namespace MmReplay.Ingest;

/// <summary>Every operation of trace format v1 (../shared/spec/trace-format.md), one byte each.</summary>
public enum OpCode : byte
{
    None = 0,
    // Address-space changes
    Mmap, Munmap, Mprotect, Madvise, Mremap,
    // CPU accesses
    Read, Write, Fault,
    // Processes
    Fork, Exit, Exec,
    // Dirty tracking
    ClearRefs, Pagemap, UffdWp, PagemapScan, WpRange, CleanRange,
    // Pins and DMA
    Pin, Unpin, DmaRead, DmaWrite,
    // Secondary MMUs
    DevAttach, DevDetach, DevRead, DevWrite,
    // Kernel-initiated MM events
    NumaHint, Migrate, KsmMerge, SwapOut, Writeback,
    // Recorded kernel events: kept and compared, never applied to the model
    TlbFlush, Notifier,
}
