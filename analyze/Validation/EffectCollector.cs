using MmReplay.Replay;

namespace MmReplay.Analyze.Validation;

/// <summary>Collects the effects of one op (cleared before the next).</summary>
internal sealed class EffectCollector : IEffectSink
{
    public List<Effect> Effects { get; } = [];

    public void Emit(in Effect effect) => Effects.Add(effect);
}
