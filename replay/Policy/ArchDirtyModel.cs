namespace MmReplay.Replay.Policy;

/// <summary>How the CPU keeps its cached dirty state coherent with the PTE (DH-5).</summary>
public enum ArchDirtyModel : byte
{
    /// <summary>x86: the first write through a clean translation sets D in memory atomically; a flush drops entries.</summary>
    X86Atomic,
    /// <summary>Ablation: a writable, dirty TLB entry survives a TLB flush (hardware that could lose a write).</summary>
    StaleDirtySurvivesFlush,
}
