using MmReplay.Ingest;
using MmReplay.Replay;
using ReplayObservation = MmReplay.Replay.ObservationKind;

namespace MmReplay.Oracle;

/// <summary>
/// Collects, from the model's effects, the facts the guest runtime can observe, keyed as the kernel's are:
/// (line, pid, observation, page). Fault counts are the CPU faults (scope 0) of one access to one page.
/// </summary>
internal sealed class ModelObservations : IEffectSink
{
    private readonly Dictionary<ObservationKey, ModelFact> _facts = [];
    private readonly Dictionary<ObservationKey, int> _faults = [];
    private readonly Dictionary<ObservationKey, int> _staleTlbFaults = [];

    public IReadOnlyDictionary<ObservationKey, ModelFact> Facts => _facts;

    /// <summary>Model facts in the order the model produced them (for rows the kernel lacks).</summary>
    public List<ObservationKey> Order { get; } = [];

    public int FaultsAt(long line, int pid, ulong page) => _faults.GetValueOrDefault(new ObservationKey(line, pid, "faults", page));

    /// <summary>Of <see cref="FaultsAt"/>, the faults through a stale TLB entry whose PTE already allowed the access.</summary>
    public int StaleTlbFaultsAt(long line, int pid, ulong page) => _staleTlbFaults.GetValueOrDefault(new ObservationKey(line, pid, "faults", page));

    public void Emit(in Effect effect)
    {
        ulong page = effect.Addr & ~(OpListTranslator.PageSize - 1);
        switch (effect.Kind)
        {
            case EffectKind.Fault when effect.Scope == 0:
                var faultKey = new ObservationKey(effect.Line, effect.Pid, "faults", page);
                _faults[faultKey] = _faults.GetValueOrDefault(faultKey) + 1;
                if ((FaultResolution)effect.Detail == FaultResolution.Spurious)
                    _staleTlbFaults[faultKey] = _staleTlbFaults.GetValueOrDefault(faultKey) + 1;
                break;
            case EffectKind.Segv:
                Add("segv", effect, page, 11, -1); // SIGSEGV
                break;
            case EffectKind.GroundTruthWrite when effect.Op == OpCode.Write && effect.Device < 0:
                Add("write", effect, page, effect.Value, -1);
                break;
            case EffectKind.Observation:
                switch ((ReplayObservation)effect.Detail)
                {
                    case ReplayObservation.Value when effect.Op == OpCode.Read:
                        Add("read", effect, page, effect.Value, -1);
                        break;
                    case ReplayObservation.Value when effect.Op == OpCode.DmaRead:
                        Add("dma_read", effect, page, effect.Value, -1);
                        break;
                    case ReplayObservation.Pagemap:
                        Add("pagemap", effect, page, effect.Value, (long)effect.Aux);
                        break;
                    case ReplayObservation.Written when effect.Op == OpCode.PagemapScan:
                        Add("scan", effect, page, effect.Value, -1);
                        break;
                }
                break;
        }
    }

    private void Add(string kind, in Effect effect, ulong page, ulong value, long frame)
    {
        var key = new ObservationKey(effect.Line, effect.Pid, kind, page);
        if (_facts.TryAdd(key, new ModelFact(value, frame)))
            Order.Add(key);
    }
}

/// <summary>Where an observation was made: the trace op (line, pid), what was observed, and the page.</summary>
internal readonly record struct ObservationKey(long Line, int Pid, string Kind, ulong Addr);

/// <summary>A model observation: its value and, for pagemap, the model frame (-1 none).</summary>
internal readonly record struct ModelFact(ulong Value, long Frame);
