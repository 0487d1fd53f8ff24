using MmReplay.Ingest;

namespace MmReplay.Analyze.Dirty;

/// <summary>One page of a <see cref="DirtyTracker"/>: the ground truth since the interval began and the latest read.</summary>
internal struct PageTrack
{
    // Fields ordered widest first: 80 bytes a slot instead of 88 with the padding between mixed sizes, so the
    // table (probed at random, one cache miss per page touched) takes fewer lines.

    /// <summary>Table key (page address or frame, shifted, low bit set); 0 marks an empty slot.</summary>
    public ulong Key;
    /// <summary>Last PTE bits the model reported for the page (model layout), kept across intervals.</summary>
    public ulong Pte;
    public long FirstWriteLine;
    public long LastWriteLine;

    // The latest read in the interval.
    public long ReadLine;
    public ulong ReadAddress;
    public long FirstWriteLineAtRead;
    public long LastWriteLineAtRead;

    public int Writes;
    public int WritesAtRead;
    public PageHints Hints;
    public DirtyCause ModelCause;
    public DirtyClass Class;
    public DirtyCause Cause;
    public bool ReadPresent;
    public OpCode ReadOp;

    /// <summary>Start a new interval for this page: forget writes, hints and the read; keep the PTE.</summary>
    public void Restart()
    {
        Writes = 0;
        FirstWriteLine = LastWriteLine = 0;
        Hints = PageHints.None;
        ModelCause = DirtyCause.None;
        Class = DirtyClass.Unread;
        Cause = DirtyCause.None;
    }
}
