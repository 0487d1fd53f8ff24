namespace MmReplay.Replay.Model;

/// <summary>Per-frame flags (struct page / folio flags the model needs).</summary>
[Flags]
public enum FrameFlags : byte
{
    None = 0,
    InUse = 1,
    Anon = 2,
    /// <summary>PageAnonExclusive (v5.19+, FK-4); tracked in every era, consulted per policy.</summary>
    AnonExclusive = 4,
    /// <summary>Page-cache page of a file or of shmem.</summary>
    File = 8,
    /// <summary>PG_dirty.</summary>
    PageDirty = 16,
    /// <summary>PG_referenced.</summary>
    Referenced = 32,
    ZeroPage = 64,
}
