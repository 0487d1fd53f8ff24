namespace MmReplay.Replay.Engine;

/// <summary>Receives effects in trace order, a batch at a time (analyzers implement this).</summary>
public interface IEffectObserver
{
    void Observe(ReadOnlySpan<Effect> effects);
}
