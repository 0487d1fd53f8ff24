using MmReplay.Replay.Model;

namespace MmReplay.Analyze.Dirty;

/// <summary>
/// Derives the cause of a misreport from what the interval showed for the page, when the model did not name
/// one. The derivations (docs/schemas.md, "dirty causes") follow the kernel rules: a page can only be written
/// without soft-dirty if its PTE was writable without a write fault since the clear, and only read soft-dirty
/// unwritten through VM_SOFTDIRTY, a PTE bit the clear did not remove, or a move.
/// </summary>
internal static class DirtyCauseRules
{
    /// <summary>Written since the interval began, yet reported clean.</summary>
    public static DirtyCause MissedWrite(DirtyTracker t, in PageTrack page)
    {
        if (page.ModelCause != DirtyCause.None)
        {
            return page.ModelCause;
        }

        if (t.Interface != DirtyInterface.SoftDirty)
        {
            // uffd-wp async and dirty-bit cleaning lose a write only through a translation cached before the
            // re-protect/clean that still allows a silent write after the flush (DH-5, DH-6).
            return DirtyCause.StaleDirtyTlb;
        }

        if ((page.Hints & PageHints.MprotectUpgrade) != 0)
        {
            return DirtyCause.MprotectDirtyAccountable; // WN-3: the dirty_accountable shortcut (WN-4 from v6.0)
        }

        if ((page.Hints & PageHints.WritableInstall) != 0)
        {
            // A writable PTE from a read fault: vm_page_prot had no writenotify although tracking is on, either
            // because a merge dropped VM_SOFTDIRTY's effect on it or because the fault raced the clear (SD-18).
            return t.MergeSeen ? DirtyCause.VmaMerge : DirtyCause.WritenotifyRace;
        }

        if (t.BoundaryLine >= 0 && (page.Hints & PageHints.WriteFaulted) == 0)
        {
            // The clear write-protected the PTE, yet the write took no fault: the CPU used a cached translation.
            return t.BoundaryFlushed ? DirtyCause.StaleDirtyTlb : DirtyCause.StaleTlbNoFlush;
        }

        return t.MergeSeen ? DirtyCause.VmaMerge : DirtyCause.Unknown;
    }

    /// <summary>Not written since the interval began, yet reported dirty.</summary>
    public static DirtyCause FalseDirty(DirtyTracker t, in PageTrack page, bool present)
    {
        if (page.ModelCause != DirtyCause.None)
        {
            return page.ModelCause;
        }

        if (t.Interface != DirtyInterface.SoftDirty)
        {
            return DirtyCause.Unknown;
        }

        if (t.BoundaryLine < 0)
        {
            return DirtyCause.FreshVma; // SD-6/SD-11: never cleared, VM_SOFTDIRTY makes every page read dirty
        }

        if ((page.Hints & PageHints.Moved) != 0)
        {
            return DirtyCause.MremapMove; // SD-4
        }

        if (present && (page.Pte & Pte.SoftDirty) != 0 && (page.Hints & PageHints.Installed) == 0)
        {
            return DirtyCause.PinnedPteSkip; // the PTE kept soft-dirty across clear_refs 4: only SD-16 skips a present PTE
        }

        return t.MergeSeen ? DirtyCause.VmaMerge : DirtyCause.VmSoftDirty;
    }
}
