namespace MmReplay.Replay;

/// <summary>What the model does with an op (see <see cref="Machine.SupportOf"/>).</summary>
public enum OpSupport : byte
{
    /// <summary>The model applies it with the kernel's semantics.</summary>
    Applied,
    /// <summary>A recorded kernel event (tlb_flush, notifier): compared by analyzers, never applied.</summary>
    Recorded,
    /// <summary>Part 2 (secondary MMUs, DMA, uffd-wp, NUMA, migrate, KSM, dirty helpers): not modelled yet; Apply emits nothing.</summary>
    NotModelled,
}
