namespace MmReplay.Analyze.Dirty;

/// <summary>
/// The state of one tracking interface in one space (an mm by pid, or the file pages for clean_range): the pages
/// touched in the open interval and its counts. Bounded: the table holds only pages written, read or re-mapped
/// in the interval (plus soft-dirty PTEs carried over a clear), and a boundary clears it.
/// </summary>
internal sealed class DirtyTracker(DirtyInterface iface, int pid)
{
    public DirtyInterface Interface { get; } = iface;

    /// <summary>The mm's pid; 0 for clean_range, whose pages are file pages shared by every mm.</summary>
    public int Pid { get; } = pid;

    public PageTable Pages { get; } = new();

    /// <summary>Number of the open interval (0 = before the first boundary).</summary>
    public long Interval { get; set; }

    /// <summary>Line of the boundary that opened the interval; 0 at the start of tracking.</summary>
    public long StartLine { get; set; }

    /// <summary>Soft-dirty: line of the clear_refs 4 that opened the interval, -1 before the first one.</summary>
    public long BoundaryLine { get; set; } = -1;

    /// <summary>Soft-dirty: the opening clear_refs flushed the TLB.</summary>
    public bool BoundaryFlushed { get; set; }

    /// <summary>Soft-dirty: last clear_refs line that cleared young bits (types 1-3 are no boundary).</summary>
    public long YoungClearLine { get; set; } = -1;

    /// <summary>An mprotect or mremap ran on this mm in the interval (a VMA merge was possible).</summary>
    public bool MergeSeen { get; set; }

    /// <summary>Line of the exit/exec that ended the previous mm of this pid (its effects are ignored), -1 when none.</summary>
    public long EndLine { get; init; } = -1;

    /// <summary>PAGEMAP_SCAN / clean_range: line of the resetting round in progress, 0 when none.</summary>
    public long RoundLine { get; set; }

    public long TruePositives { get; set; }

    public long FalsePositives { get; set; }

    public long FalseNegatives { get; set; }

    public long TrueNegatives { get; set; }

    public long PagesRead => TruePositives + FalsePositives + FalseNegatives + TrueNegatives;

    public void Count(DirtyClass c)
    {
        switch (c)
        {
            case DirtyClass.TruePositive: TruePositives++; break;
            case DirtyClass.FalsePositive: FalsePositives++; break;
            case DirtyClass.FalseNegative: FalseNegatives++; break;
            case DirtyClass.TrueNegative: TrueNegatives++; break;
        }
    }

    /// <summary>Counts go to the closed interval's row; the next interval starts from zero.</summary>
    public void NextInterval(long startLine)
    {
        TruePositives = FalsePositives = FalseNegatives = TrueNegatives = 0;
        Interval++;
        StartLine = startLine;
        MergeSeen = false;
    }
}
