namespace MmReplay.Ingest;

/// <summary>mmap/mprotect <c>prot=</c>: bit set, as PROT_READ/WRITE/EXEC.</summary>
[Flags]
public enum Prot : byte
{
    None = 0,
    Read = 1,
    Write = 2,
    Exec = 4,
}

/// <summary>mmap <c>backing=</c>.</summary>
public enum Backing : byte
{
    Anon = 0,
    File = 1,
    Device = 2,
}

/// <summary>mmap <c>fs=</c>: what backs a file mapping (kernel-semantics WN-3: ext4 has page_mkwrite, shmem does not).</summary>
public enum FileSystem : byte
{
    Ext4 = 0,
    Shmem = 1,
}

/// <summary>mmap <c>flags=</c> and pin <c>flags=</c> share one field; which set applies depends on the op.</summary>
[Flags]
public enum MmapFlags : byte
{
    None = 0,
    Populate = 1,
    HugePage = 2,
    Io = 4,
    PfnMap = 8,
}

/// <summary>pin <c>flags=</c>, as FOLL_* bits.</summary>
[Flags]
public enum PinFlags : byte
{
    None = 0,
    Write = 1,
    LongTerm = 2,
    Force = 4,
    Fast = 8,
    HonorNuma = 16,
}

/// <summary>madvise <c>advice=</c>.</summary>
public enum Advice : byte
{
    None = 0,
    DontNeed, DontFork, DoFork, WipeOnFork, PageOut, Mergeable, HugePage, NoHugePage,
}

/// <summary>fault <c>access=</c> (or derived from an x86 error code).</summary>
public enum Access : byte
{
    Read = 0,
    Write = 1,
    Exec = 2,
}

/// <summary>dev_attach <c>kind=</c>: kvm keeps its own page table (start/end); iommu and ats walk the CPU page table.</summary>
public enum DeviceKind : byte
{
    Kvm = 0,
    Iommu = 1,
    Ats = 2,
}

/// <summary>Recorded tlb_flush <c>reason=</c>, numbered as the kernel's enum tlb_flush_reason (kernel-semantics 7.2).</summary>
public enum TlbFlushReason : byte
{
    TaskSwitch = 0,
    RemoteShootdown = 1,
    LocalShootdown = 2,
    LocalMmShootdown = 3,
    RemoteSendIpi = 4,
    RemoteWrongCpu = 5,
}

/// <summary>Recorded notifier <c>call=</c>.</summary>
public enum NotifierCall : byte
{
    InvalidateRangeStart = 0,
    InvalidateRangeEnd = 1,
    InvalidateRange = 2,
    InvalidateSecondaryTlbs = 3,
}

/// <summary>Recorded notifier <c>event=</c>: the kernel's enum mmu_notifier_event (why the range is invalidated).</summary>
public enum NotifierEvent : byte
{
    None = 0,
    Unmap, Clear, ProtectionVma, ProtectionPage, SoftDirty, Release, Migrate, Exclusive,
}
