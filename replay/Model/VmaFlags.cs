namespace MmReplay.Replay.Model;

/// <summary>vm_flags the model needs (kernel-semantics 8.1).</summary>
[Flags]
public enum VmaFlags : uint
{
    None = 0,
    Read = 1 << 0,
    Write = 1 << 1,
    Exec = 1 << 2,
    Shared = 1 << 3,
    MayWrite = 1 << 4,
    /// <summary>VM_SOFTDIRTY: set = tracking off, every page reads soft-dirty (SD-6..SD-9).</summary>
    SoftDirty = 1 << 5,
    UffdWp = 1 << 6,
    DontCopy = 1 << 7,
    WipeOnFork = 1 << 8,
    PfnMap = 1 << 9,
    Io = 1 << 10,
    HugeTlb = 1 << 11,
}
