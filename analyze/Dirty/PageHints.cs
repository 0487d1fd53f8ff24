namespace MmReplay.Analyze.Dirty;

/// <summary>What happened to a page in the current interval, for deriving the cause of a misreport.</summary>
[Flags]
internal enum PageHints : byte
{
    None = 0,
    /// <summary>A write fault was taken on the page.</summary>
    WriteFaulted = 1,
    /// <summary>mprotect turned the PTE writable (PteChange Upgrade by mprotect).</summary>
    MprotectUpgrade = 2,
    /// <summary>A fault installed the PTE writable but clean: a read fault under a writable vm_page_prot.</summary>
    WritableInstall = 4,
    /// <summary>The PTE was installed or replaced in this interval (it did not survive the clear).</summary>
    Installed = 8,
    /// <summary>mremap moved the PTE here.</summary>
    Moved = 16,
}
