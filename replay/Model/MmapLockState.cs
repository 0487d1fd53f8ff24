namespace MmReplay.Replay.Model;

/// <summary>Who holds mmap_lock: recorded at each op's lock boundaries for the interleaving explorer.</summary>
public enum MmapLockState : byte
{
    Unlocked,
    Read,
    Write,
}
