namespace MmReplay.Analyze.Observations;

/// <summary>Bits of a /proc/pid/pagemap entry (kernel-semantics section 2).</summary>
public static class PagemapEntry
{
    public const ulong Present = 1UL << 63;
    public const ulong Swapped = 1UL << 62;
    public const ulong FileShared = 1UL << 61;
    public const ulong UffdWp = 1UL << 57;
    public const ulong Exclusive = 1UL << 56;
    public const ulong SoftDirty = 1UL << 55;
    public const ulong PfnMask = (1UL << 55) - 1;
}
