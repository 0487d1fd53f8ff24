namespace MmReplay.Replay.Policy;

/// <summary>Which TLB flush mprotect issues after changing PTEs.</summary>
public enum MprotectFlush : byte
{
    /// <summary>&lt;v6.0: flush_tlb_range over the whole range whenever any present PTE was rewritten.</summary>
    WholeRange,
    /// <summary>v6.0+ (mmu_gather in change_protection): flush only the PTEs whose change needs it (pte_needs_flush).</summary>
    Changed,
}
