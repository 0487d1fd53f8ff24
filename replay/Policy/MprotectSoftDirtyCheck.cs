namespace MmReplay.Replay.Policy;

/// <summary>mprotect's test before making a dirty PTE writable without a fault (WN-3).</summary>
public enum MprotectSoftDirtyCheck : byte
{
    /// <summary>v3.11–v3.17: dirty PTEs in dirty_accountable VMAs become writable unconditionally.</summary>
    None,
    /// <summary>v3.18–v5.19: 64e455079e1b as merged: writable if soft-dirty OR VM_SOFTDIRTY clear (inverted).</summary>
    Inverted,
    /// <summary>v6.0+ (76aefad628aa): writable only if soft-dirty or tracking off.</summary>
    Fixed,
}
