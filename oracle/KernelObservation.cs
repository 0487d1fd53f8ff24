namespace MmReplay.Oracle;

/// <summary>
/// One fact the real kernel showed for one page of one trace op. <see cref="Faults"/> is the number of page
/// faults the access took (getrusage around the single access), or -1 where no access was measured.
/// </summary>
public readonly record struct KernelObservation(long Line, int Pid, ObservationKind Kind, ulong Addr, ulong Value, int Faults)
{
    /// <summary>pagemap bit 63: present.</summary>
    public bool Present => Bit(63);
    /// <summary>pagemap bit 62: swapped.</summary>
    public bool Swapped => Bit(62);
    /// <summary>pagemap bit 61: file page or shared anon.</summary>
    public bool FileOrShared => Bit(61);
    /// <summary>pagemap bit 57: uffd-wp.</summary>
    public bool UffdWp => Bit(57);
    /// <summary>pagemap bit 56: exclusively mapped.</summary>
    public bool Exclusive => Bit(56);
    /// <summary>pagemap bit 55: soft-dirty.</summary>
    public bool SoftDirty => Bit(55);
    /// <summary>pagemap bits 0-54: the frame number when present (visible to root).</summary>
    public ulong Pfn => Present ? Value & ((1UL << 55) - 1) : 0;

    private bool Bit(int bit) => Kind == ObservationKind.Pagemap && (Value >> bit & 1) != 0;
}
