namespace MmReplay.Replay.Engine;

/// <summary>Receives effects in trace order, a batch at a time (analyzers implement this).</summary>
public interface IEffectObserver
{
    void Observe(ReadOnlySpan<Effect> effects);

    /// <summary>The kinds this observer reads; the engine asks the model only for the union of its observers'.</summary>
    EffectKinds Consumes => EffectKinds.All;
}
