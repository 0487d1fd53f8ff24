namespace MmReplay.Replay;

/// <summary>How a fault was resolved.</summary>
public enum FaultResolution : byte
{
    ZeroPage = 1, NewPage, CowCopy, Reuse, WriteNotify, NumaHint, SwapIn, FileMap, Unshare, SoftDirtyOnly, UffdWp, Segv,
    /// <summary>The PTE already allowed the access (a stale TLB entry faulted); x86 pte_mkdirty still sets soft-dirty.</summary>
    Spurious,
}

/// <summary>Why a PTE changed.</summary>
public enum PteChangeKind : byte
{
    Install = 1, Upgrade, WriteProtect, Clear, Replace, SoftDirtyClear, DirtyClear, YoungClear, ProtNone, SwapOut, Move,
}

/// <summary>Scope of a CPU TLB flush (before x86 widening is reflected in Count).</summary>
public enum FlushScope : byte
{
    Page = 1, Range, Full,
}

/// <summary>The mmu_notifier callback invoked.</summary>
public enum NotifierCallKind : byte
{
    RangeStart = 1, RangeEnd, InvalidateRange, ArchInvalidateSecondaryTlbs,
}

/// <summary>The kernel site that raised a notifier call or flush.</summary>
public enum CallSite : byte
{
    Unknown = 0, Cow, Unmap, ClearRefs, Mprotect, Migrate, Ksm, Fork, Madvise, Mremap, DirtyHelper, NumaHint, SwapOut, Writeback, Exit, UffdWp, Fault,
}

/// <summary>What an observation records.</summary>
public enum ObservationKind : byte
{
    Value = 1, Pagemap, Written, CleanBit,
}

/// <summary>Hazards found by the model.</summary>
public enum HazardKind : byte
{
    StaleDeviceTranslation = 1, PinIncoherence, DeviceOrdering, LostDirty,
}
