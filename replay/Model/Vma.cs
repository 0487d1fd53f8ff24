namespace MmReplay.Replay.Model;

/// <summary>One VMA: [Start, End), flags, backing, and the write bit of vm_page_prot.</summary>
public struct Vma
{
    public ulong Start;
    public ulong End;
    public VmaFlags Flags;
    public FileKind Kind;
    /// <summary>File identity (trace file id, or a synthetic id for shared anonymous memory); 0 for private anon.</summary>
    public int FileId;
    /// <summary>vm_pgoff in pages; for private anon Start / page size, as the kernel sets it.</summary>
    public ulong PgOff;
    /// <summary>vm_page_prot allows writes: SHARED and WRITE and not writenotify (8.1 vm_page_prot_writable).</summary>
    public bool ProtWritable;
    /// <summary>anon_vma identity (0 = none yet). Two VMAs with different anon_vmas never merge; fork copies PTEs only when one exists.</summary>
    public int AnonVma;

    public readonly bool Has(VmaFlags f) => (Flags & f) != 0;

    public readonly bool IsAnon => Kind == FileKind.Anon;

    /// <summary>is_cow_mapping: private and may write.</summary>
    public readonly bool IsCow => (Flags & (VmaFlags.Shared | VmaFlags.MayWrite)) == VmaFlags.MayWrite;

    /// <summary>vma_is_accessible: any of read, write, exec.</summary>
    public readonly bool IsAccessible => (Flags & (VmaFlags.Read | VmaFlags.Write | VmaFlags.Exec)) != 0;

    public readonly ulong PgOffOf(ulong va, int pageShift) => PgOff + ((va - Start) >> pageShift);
}
