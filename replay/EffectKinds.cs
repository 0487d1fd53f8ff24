namespace MmReplay.Replay;

/// <summary>
/// A set of <see cref="EffectKind"/>s (bit 1 &lt;&lt; kind): what a sink or an observer consumes. The model builds
/// only the effects someone consumes, so an analyzer of TLB flushes does not pay for an effect per load.
/// </summary>
[Flags]
public enum EffectKinds : uint
{
    None = 0,
    Fault = 1u << EffectKind.Fault,
    PteChange = 1u << EffectKind.PteChange,
    TlbFlush = 1u << EffectKind.TlbFlush,
    Notifier = 1u << EffectKind.Notifier,
    Observation = 1u << EffectKind.Observation,
    GroundTruthWrite = 1u << EffectKind.GroundTruthWrite,
    DirtyReport = 1u << EffectKind.DirtyReport,
    Hazard = 1u << EffectKind.Hazard,
    Segv = 1u << EffectKind.Segv,
    All = Fault | PteChange | TlbFlush | Notifier | Observation | GroundTruthWrite | DirtyReport | Hazard | Segv,
}
