namespace MmReplay.Replay.Tests;

/// <summary>Keeps every effect, in order.</summary>
public sealed class CollectingSink : IEffectSink
{
    public List<Effect> Effects { get; } = [];

    public void Emit(in Effect effect) => Effects.Add(effect);
}
