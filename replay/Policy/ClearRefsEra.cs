namespace MmReplay.Replay.Policy;

/// <summary>How clear_refs 4 locks and orders its work (kernel-semantics 1.6).</summary>
public enum ClearRefsEra : byte
{
    /// <summary>v3.11–v3.17: VM_SOFTDIRTY cleared under the read lock, vm_page_prot not recomputed.</summary>
    A,
    /// <summary>v3.18–v5.10 (64e455079e1b): write lock to clear flags and vma_set_page_prot, downgrade, walk.</summary>
    B,
    /// <summary>v5.11+ (29a951dfb3c3): everything under the write lock, tlb_flush_pending around the walk.</summary>
    C,
}
