namespace MmReplay.Ingest.Workloads;

/// <summary>A page-aligned virtual range of <paramref name="Pages"/> pages starting at <paramref name="Start"/>.</summary>
public readonly record struct Region(ulong Start, int Pages)
{
    public ulong Bytes => (ulong)Pages * TraceBuilder.PageSize;

    public ulong End => Start + Bytes;

    public ulong Page(int index) => Start + ((ulong)index * TraceBuilder.PageSize);

    /// <summary>The sub-range of <paramref name="count"/> pages from page <paramref name="first"/>.</summary>
    public Region Slice(int first, int count) => new(Page(first), count);
}
