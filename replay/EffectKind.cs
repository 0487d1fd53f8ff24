namespace MmReplay.Replay;

/// <summary>What the model did or saw. Analyzers see only these.</summary>
public enum EffectKind : byte
{
    /// <summary>A fault taken: <see cref="Effect.Code"/> = x86 error code, <see cref="Effect.Detail"/> = <see cref="FaultResolution"/>, <see cref="Effect.Aux"/> = frame mapped after it (-1 none), <see cref="Effect.Scope"/> = 0 for a CPU page fault (traced by the kernel), 1 for a fault GUP takes for a pin or populate (no tracepoint, no user bit).</summary>
    Fault = 1,
    /// <summary>A PTE changed by the kernel (hardware A/D updates are not reported): <see cref="Effect.Value"/> = new PTE bits, <see cref="Effect.Aux"/> = old PTE bits (layout: Model.Pte), <see cref="Effect.Detail"/> = <see cref="PteChangeKind"/>, <see cref="Effect.Pid"/> = the pid whose page table changed.</summary>
    PteChange,
    /// <summary>A CPU TLB flush event as x86's tlb:tlb_flush tracepoint would log it: <see cref="Effect.Detail"/> = reason (TlbFlushReason), <see cref="Effect.Count"/> = pages (-1 full), <see cref="Effect.Cpu"/> = CPU that logged it, <see cref="Effect.Cpus"/> = target mask, <see cref="Effect.Scope"/> = <see cref="FlushScope"/>.</summary>
    TlbFlush,
    /// <summary>An mmu_notifier call: <see cref="Effect.Detail"/> = <see cref="NotifierCallKind"/>, <see cref="Effect.Scope"/> = <see cref="CallSite"/>, <see cref="Effect.Device"/> = subscriber, range [Addr, End).</summary>
    Notifier,
    /// <summary>Something an op observed: <see cref="Effect.Detail"/> = <see cref="ObservationKind"/>, <see cref="Effect.Value"/> = value read or the pagemap entry (bits 63 62 61 57 56 55; PFN field = model frame), <see cref="Effect.Aux"/> = frame (-1 none).</summary>
    Observation,
    /// <summary>A write that really happened (CPU, DMA or device): the ground truth for dirty accuracy. <see cref="Effect.Value"/> = value, <see cref="Effect.Aux"/> = frame written.</summary>
    GroundTruthWrite,
    /// <summary>A page reported dirty/written by a tracking interface, or a tracking interval boundary.</summary>
    DirtyReport,
    /// <summary>A hazard: <see cref="Effect.Detail"/> = <see cref="HazardKind"/>.</summary>
    Hazard,
    /// <summary>SIGSEGV delivered for an access the kernel would refuse.</summary>
    Segv,
}
