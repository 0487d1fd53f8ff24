namespace MmReplay.Analyze.Dirty;

/// <summary>
/// Why a page was misreported (index into Vocabulary.DirtyCauses; docs/schemas.md explains each). The model may
/// name the cause itself: a Hazard effect of kind LostDirty (or a DirtyReport) carries one of these codes in
/// Scope; otherwise <see cref="DirtyCauseRules"/> derives it from the effects seen for the page in the interval.
/// </summary>
public enum DirtyCause : byte
{
    None = 0,
    /// <summary>False negative: mprotect made the PTE writable without a fault while tracking was on (WN-3/WN-4).</summary>
    MprotectDirtyAccountable,
    /// <summary>False negative: a read fault installed a writable PTE while tracking was on (stale vm_page_prot, 1.8/SD-18).</summary>
    WritenotifyRace,
    /// <summary>A VMA merge decided VM_SOFTDIRTY (SD-7): dropped it (missed write) or made it sticky (false dirty).</summary>
    VmaMerge,
    /// <summary>False negative: clear_refs did not flush the TLB, the write went through the old writable entry (1.6 regression).</summary>
    StaleTlbNoFlush,
    /// <summary>False negative: a cached writable/dirty translation survived the flush (DH-5 ablation hardware).</summary>
    StaleDirtyTlb,
    /// <summary>False positive: clear_refs 4 skipped the pinned PTE, which kept its soft-dirty bit (SD-16).</summary>
    PinnedPteSkip,
    /// <summary>False positive before the first clear: a new VMA has VM_SOFTDIRTY, every page reads soft-dirty (SD-6, SD-11).</summary>
    FreshVma,
    /// <summary>False positive after a clear: VM_SOFTDIRTY set again on the VMA (created or expanded since the clear, SD-6).</summary>
    VmSoftDirty,
    /// <summary>False positive: tracking at huge-page granularity reports the whole huge page (SD-13); only the model can say.</summary>
    HugePage,
    /// <summary>False positive: mremap moved the PTE and marked it soft-dirty (SD-4).</summary>
    MremapMove,
    /// <summary>No rule explains it: a model gap worth a look.</summary>
    Unknown,
}
