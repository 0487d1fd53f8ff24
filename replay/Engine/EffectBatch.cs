using System.Buffers;

namespace MmReplay.Replay.Engine;

/// <summary>
/// A pooled array of effects, the unit the engine hands to analyzers. It is also the model's sink while
/// being filled. It grows (rarely: one munmap of a large range emits many effects) rather than splitting an
/// event's effects across batches, so an analyzer always sees all effects of one event together.
/// </summary>
public sealed class EffectBatch : IEffectSink
{
    public const int DefaultCapacity = 8192;

    private Effect[] _effects = ArrayPool<Effect>.Shared.Rent(DefaultCapacity);

    /// <param name="wants">The kinds the batch's observers read; the model builds no others.</param>
    public EffectBatch(EffectKinds wants = EffectKinds.All) => Wants = wants;

    public EffectKinds Wants { get; }

    public int Count { get; private set; }

    public ReadOnlySpan<Effect> Effects => _effects.AsSpan(0, Count);

    /// <summary>True once the batch holds enough to be worth a channel hop.</summary>
    public bool IsReadyToSend => Count >= DefaultCapacity / 2;

    public void Emit(in Effect effect)
    {
        if (Count == _effects.Length)
        {
            Grow();
        }

        _effects[Count++] = effect;
    }

    public void Clear() => Count = 0;

    /// <summary>Return the array to the pool; the batch is unusable afterwards.</summary>
    public void Return()
    {
        ArrayPool<Effect>.Shared.Return(_effects);
        _effects = [];
        Count = 0;
    }

    private void Grow()
    {
        var bigger = ArrayPool<Effect>.Shared.Rent(_effects.Length * 2);
        _effects.AsSpan(0, Count).CopyTo(bigger);
        ArrayPool<Effect>.Shared.Return(_effects);
        _effects = bigger;
    }
}
