using MmReplay.Ingest;
using MmReplay.Replay.Model;

namespace MmReplay.Replay.Ops;

/// <summary>
/// mmap at a fixed address (mmap_region), under mmap_lock for write: unmap what was there, create the VMA with
/// VM_SOFTDIRTY (SD-6), merge with compatible neighbours (the result keeps VM_SOFTDIRTY), vma_set_page_prot.
/// MAP_POPULATE then faults each page in through GUP (write faults for private writable mappings), one step each.
/// </summary>
internal static class MmapOp
{
    public static bool Step(Machine m, ref OpCursor c)
    {
        ref readonly var e = ref c.Event;
        var mm = m.MmOf(e.Pid);
        var end = e.Addr + e.Len;
        if (c.Step == 0)
        {
            c.Step = 1;
            mm.MmapLock = MmapLockState.Write;
            if (mm.FirstVmaEndingAfter(e.Addr) < mm.VmaCount && mm.VmaAt(mm.FirstVmaEndingAfter(e.Addr)).Start < end)
            {
                Zap.RemoveVmas(m, mm, e.Addr, end); // MAP_FIXED replaces the old mapping (do_munmap)
                Zap.Range(m, mm, ref c, e.Addr, end);
                m.FinishGather(mm, ref c, fullMm: false);
            }

            var vma = NewVma(m, e);
            var i = mm.FirstVmaEndingAfter(e.Addr);
            mm.InsertVma(i, vma);
            VmaRules.Merge(m, mm, i, VmaRules.MergeKind.Mmap);
            mm.MmapLock = MmapLockState.Unlocked;
            c.Va = e.Addr;
            return (e.MmapFlags & MmapFlags.Populate) != 0;
        }

        // populate_vma_page_range: FOLL_WRITE only for private writable mappings.
        var v = mm.FindVma(c.Va);
        if (v >= 0)
        {
            ref var vma = ref mm.VmaAt(v);
            var write = (vma.Flags & (VmaFlags.Write | VmaFlags.Shared)) == VmaFlags.Write;
            var pte = mm.ReadPte(c.Va);
            if (!Pte.IsPresent(pte) || (write && (pte & Pte.Write) == 0))
            {
                Faults.Handle(m, mm, c.Va, write ? Faults.WriteBit : 0, gup: true);
            }
        }

        c.Va += m.PageSize;
        return c.Va < end;
    }

    private static Vma NewVma(Machine m, in TraceEvent e)
    {
        var flags = VmaFlags.None;
        if ((e.Prot & Prot.Read) != 0)
        {
            flags |= VmaFlags.Read;
        }

        if ((e.Prot & Prot.Write) != 0)
        {
            flags |= VmaFlags.Write;
        }

        if ((e.Prot & Prot.Exec) != 0)
        {
            flags |= VmaFlags.Exec;
        }

        // Private mappings may always become writable; shared files are assumed opened read-write.
        flags |= VmaFlags.MayWrite;
        if (e.Shared)
        {
            flags |= VmaFlags.Shared;
        }

        var vma = new Vma { Start = e.Addr, End = e.Addr + e.Len };
        switch (e.Backing)
        {
            case Backing.Anon when !e.Shared:
                vma.Kind = FileKind.Anon;
                vma.PgOff = e.Addr >> m.PageShift;
                break;
            case Backing.Anon:
                vma.Kind = FileKind.Shmem; // shared anonymous memory is shmem (shmem_zero_setup)
                vma.FileId = m.NewSyntheticFile();
                break;
            case Backing.Device:
                vma.Kind = FileKind.Device;
                vma.FileId = e.FileId;
                vma.PgOff = e.PgOff;
                flags |= VmaFlags.Io | VmaFlags.PfnMap;
                break;
            default:
                vma.Kind = e.Fs == FileSystem.Shmem ? FileKind.Shmem : FileKind.Ext4;
                vma.FileId = e.FileId;
                vma.PgOff = e.PgOff;
                break;
        }

        if ((e.MmapFlags & MmapFlags.Io) != 0)
        {
            flags |= VmaFlags.Io;
        }

        if ((e.MmapFlags & MmapFlags.PfnMap) != 0)
        {
            flags |= VmaFlags.PfnMap;
        }

        vma.Flags = flags;
        return vma;
    }
}
