namespace MmReplay.Replay.Model;

/// <summary>What backs a VMA: decides page_mkwrite and dirty accounting (WN-2, WN-3).</summary>
public enum FileKind : byte
{
    /// <summary>Private anonymous memory (no vm_file).</summary>
    Anon,
    /// <summary>A disk filesystem: page_mkwrite and writeback accounting.</summary>
    Ext4,
    /// <summary>shmem/tmpfs/memfd and shared anonymous memory: no page_mkwrite, no writeback.</summary>
    Shmem,
    /// <summary>A device (VM_IO | VM_PFNMAP): special PTEs, no struct page; access semantics are part 2.</summary>
    Device,
}
