using MmReplay.Replay;

namespace MmReplay.Bench;

/// <summary>Counts effects by kind: the cheapest sink, to time the model alone.</summary>
public sealed class CountingSink : IEffectSink
{
    public long[] ByKind { get; } = new long[16];

    public void Emit(in Effect effect) => ByKind[(int)effect.Kind]++;
}
