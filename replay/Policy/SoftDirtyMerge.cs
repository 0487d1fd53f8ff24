namespace MmReplay.Replay.Policy;

/// <summary>VM_SOFTDIRTY of a VMA produced by an mprotect/mremap merge (SD-7).</summary>
public enum SoftDirtyMerge : byte
{
    /// <summary>v3.13–v6.18: the flags of the surviving VMA win, which can drop VM_SOFTDIRTY.</summary>
    Survivor,
    /// <summary>v6.19+ (bf14d4a05387): VM_SOFTDIRTY is sticky: set if any input had it.</summary>
    Sticky,
}
