using MmReplay.Replay.Model;
using MmReplay.Replay.Policy;

namespace MmReplay.Replay.Ops;

/// <summary>VMA-level kernel rules shared by the ops: writenotify, vm_page_prot, merging.</summary>
internal static class VmaRules
{
    /// <summary>vma_soft_dirty_enabled (v6.0 helper; the same test earlier): built in and VM_SOFTDIRTY clear.</summary>
    public static bool TrackingOn(Machine m, in Vma v) => m.Policy.SoftDirty && !v.Has(VmaFlags.SoftDirty);

    /// <summary>
    /// vma_wants_writenotify(vma, prot) (WN-2): shared+writable only; page_mkwrite first; then the protection
    /// comparison (prot must be what the flags give, which is why mprotect's call with the old read-only prot
    /// returns false for shmem, WN-3); then soft-dirty (v3.18+); then dirty accounting.
    /// </summary>
    public static bool WantsWritenotify(Machine m, in Vma v, bool protWritable)
    {
        if ((v.Flags & (VmaFlags.Write | VmaFlags.Shared)) != (VmaFlags.Write | VmaFlags.Shared))
        {
            return false;
        }

        if (v.Kind == FileKind.Ext4)
        {
            return true; // vm_ops->page_mkwrite
        }

        if (!protWritable)
        {
            return false; // pgprot differs from vm_pgprot_modify(prot, flags)
        }

        if (m.Policy.SoftDirtyWritenotify && TrackingOn(m, v) && !v.Has(VmaFlags.HugeTlb))
        {
            return true; // 64e455079e1b (v3.18)
        }

        return false; // shmem and devices have no writeback accounting
    }

    /// <summary>vma_set_page_prot: recompute vm_page_prot; writenotify drops VM_SHARED from the lookup.</summary>
    public static void SetPageProt(Machine m, ref Vma v)
    {
        var writable = (v.Flags & (VmaFlags.Write | VmaFlags.Shared)) == (VmaFlags.Write | VmaFlags.Shared);
        v.ProtWritable = writable && !WantsWritenotify(m, v, writable);
    }

    /// <summary>Base PTE permission bits a fault installs from vm_page_prot.</summary>
    public static ulong ProtBits(in Vma v) => (v.ProtWritable ? Pte.Write : 0) | (v.Has(VmaFlags.Exec) ? 0 : Pte.NoExec);

    public static bool CanMerge(in Vma a, in Vma b, int pageShift) =>
        a.End == b.Start
        && ((a.Flags ^ b.Flags) & ~VmaFlags.SoftDirty) == 0 // VM_SOFTDIRTY is ignored for merging (SD-7)
        && a.Kind == b.Kind && a.FileId == b.FileId
        && b.PgOff == a.PgOff + ((a.End - a.Start) >> pageShift)
        && (a.AnonVma == 0 || b.AnonVma == 0 || a.AnonVma == b.AnonVma);

    /// <summary>Who decides VM_SOFTDIRTY of a merged VMA.</summary>
    public enum MergeKind
    {
        /// <summary>mmap_region sets VM_SOFTDIRTY on the result, merged or not (SD-6).</summary>
        Mmap,
        /// <summary>mprotect_fixup writes newflags (the changed VMA's flags) on the result.</summary>
        Mprotect,
        /// <summary>copy_vma: the neighbour that absorbs the range keeps its own flags.</summary>
        Mremap,
    }

    /// <summary>vma_merge around the VMA at <paramref name="i"/>; returns the index of the VMA now covering it.</summary>
    public static int Merge(Machine m, AddressSpace mm, int i, MergeKind kind)
    {
        var shift = m.PageShift;
        var self = mm.VmaAt(i);
        var anySoftDirty = self.Flags & VmaFlags.SoftDirty;
        var result = self.Flags & VmaFlags.SoftDirty;
        if (i + 1 < mm.VmaCount && CanMerge(mm.VmaAt(i), mm.VmaAt(i + 1), shift))
        {
            ref var next = ref mm.VmaAt(i + 1);
            anySoftDirty |= next.Flags & VmaFlags.SoftDirty;
            if (kind == MergeKind.Mremap)
            {
                result = next.Flags & VmaFlags.SoftDirty; // next expands downwards and survives
            }

            ref var cur = ref mm.VmaAt(i);
            cur.End = next.End;
            cur.AnonVma = cur.AnonVma != 0 ? cur.AnonVma : next.AnonVma;
            mm.RemoveVma(i + 1);
        }

        if (i > 0 && CanMerge(mm.VmaAt(i - 1), mm.VmaAt(i), shift))
        {
            ref var prev = ref mm.VmaAt(i - 1);
            anySoftDirty |= prev.Flags & VmaFlags.SoftDirty;
            if (kind == MergeKind.Mremap)
            {
                result = prev.Flags & VmaFlags.SoftDirty; // prev expands and survives
            }

            var cur = mm.VmaAt(i);
            prev.End = cur.End;
            prev.AnonVma = prev.AnonVma != 0 ? prev.AnonVma : cur.AnonVma;
            mm.RemoveVma(i);
            i--;
        }

        ref var merged = ref mm.VmaAt(i);
        if (kind == MergeKind.Mmap)
        {
            result = m.Policy.SoftDirty ? VmaFlags.SoftDirty : VmaFlags.None;
        }
        else if (m.Policy.SoftDirtyMerge == SoftDirtyMerge.Sticky)
        {
            result = anySoftDirty; // bf14d4a05387 (v6.19)
        }

        merged.Flags = (merged.Flags & ~VmaFlags.SoftDirty) | result;
        SetPageProt(m, ref merged);
        return i;
    }
}
