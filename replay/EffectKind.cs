namespace MmReplay.Replay;

/// <summary>What the model did or saw. Analyzers see only these.</summary>
public enum EffectKind : byte
{
    /// <summary>A fault taken: <see cref="Effect.Code"/> = x86 error code, <see cref="Effect.Detail"/> = <see cref="FaultResolution"/>.</summary>
    Fault = 1,
    /// <summary>A PTE changed: <see cref="Effect.Value"/> = new PTE bits, <see cref="Effect.Aux"/> = old PTE bits, <see cref="Effect.Detail"/> = <see cref="PteChangeKind"/>.</summary>
    PteChange,
    /// <summary>A CPU TLB flush event as x86's tlb:tlb_flush tracepoint would log it: <see cref="Effect.Detail"/> = reason (TlbFlushReason), <see cref="Effect.Count"/> = pages (-1 full), <see cref="Effect.Cpu"/> = CPU that logged it, <see cref="Effect.Cpus"/> = target mask, <see cref="Effect.Scope"/> = <see cref="FlushScope"/>.</summary>
    TlbFlush,
    /// <summary>An mmu_notifier call: <see cref="Effect.Detail"/> = <see cref="NotifierCallKind"/>, <see cref="Effect.Scope"/> = <see cref="CallSite"/>, <see cref="Effect.Device"/> = subscriber, range [Addr, End).</summary>
    Notifier,
    /// <summary>Something an op observed: <see cref="Effect.Detail"/> = <see cref="ObservationKind"/>, <see cref="Effect.Value"/> = value or pagemap bits.</summary>
    Observation,
    /// <summary>A write that really happened (CPU, DMA or device): the ground truth for dirty accuracy.</summary>
    GroundTruthWrite,
    /// <summary>A page reported dirty/written by a tracking interface, or a tracking interval boundary.</summary>
    DirtyReport,
    /// <summary>A hazard: <see cref="Effect.Detail"/> = <see cref="HazardKind"/>.</summary>
    Hazard,
    /// <summary>SIGSEGV delivered for an access the kernel would refuse.</summary>
    Segv,
}
