namespace MmReplay.Replay.Policy;

/// <summary>What fork does with a possibly DMA-pinned anon page (FK-2/FK-3).</summary>
public enum ForkPinnedRule : byte
{
    /// <summary>&lt;v5.9: share it like any page (write-protect both sides).</summary>
    Share,
    /// <summary>v5.9+ (70e806e4e645): copy it for the child now; the parent keeps its writable PTE.</summary>
    Copy,
}
