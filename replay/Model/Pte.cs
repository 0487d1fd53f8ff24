namespace MmReplay.Replay.Model;

/// <summary>
/// A page-table entry packed in a ulong (the model's own layout, not x86's): flag bits low, frame or swap slot
/// in the high 32 bits. Packing keeps leaf tables flat arrays and makes PTE-change effects two plain numbers.
/// </summary>
public static class Pte
{
    public const ulong None = 0;
    public const ulong Present = 1UL << 0;
    public const ulong Write = 1UL << 1;
    /// <summary>Hardware dirty bit (x86 D).</summary>
    public const ulong Dirty = 1UL << 2;
    /// <summary>Hardware accessed bit (x86 A).</summary>
    public const ulong Young = 1UL << 3;
    /// <summary>Software soft-dirty bit; in a swap entry, the swap soft-dirty bit (SD-5).</summary>
    public const ulong SoftDirty = 1UL << 4;
    /// <summary>x86 _PAGE_PROTNONE: present to the kernel, not present to the CPU (PROT_NONE or NUMA hint, NU-1).</summary>
    public const ulong ProtNone = 1UL << 5;
    public const ulong UffdWp = 1UL << 6;
    /// <summary>Swap entry (not present); the slot is in the high bits.</summary>
    public const ulong Swap = 1UL << 7;
    /// <summary>PTE marker (uffd-wp marker, guard); part 2.</summary>
    public const ulong Marker = 1UL << 8;
    /// <summary>Swap entry's exclusive flag (v5.19+, FK-4).</summary>
    public const ulong SwapExclusive = 1UL << 9;
    /// <summary>Special mapping: the shared zero page or a pfnmap; vm_normal_page() is NULL.</summary>
    public const ulong Special = 1UL << 10;
    /// <summary>No-execute (the VMA lacks VM_EXEC).</summary>
    public const ulong NoExec = 1UL << 11;

    public static bool IsPresent(ulong pte) => (pte & Present) != 0;

    /// <summary>Present and usable by the CPU (protnone entries fault with P = 0, TL-4).</summary>
    public static bool IsCpuPresent(ulong pte) => (pte & (Present | ProtNone)) == Present;

    public static bool IsSwap(ulong pte) => (pte & Swap) != 0;

    public static int Frame(ulong pte) => (int)(pte >> 32);

    public static ulong WithFrame(ulong flags, int frame) => (flags & 0xFFFF_FFFFUL) | ((ulong)(uint)frame << 32);
}
