using MmReplay.Ingest;

namespace MmReplay.Replay.Engine;

/// <summary>What the engine did with the events it was given; every event lands in exactly one bucket.</summary>
public sealed class ReplayCounts
{
    private readonly long[] _notModelledByOp = new long[256];

    /// <summary>Events applied to the model.</summary>
    public long Replayed { get; private set; }

    /// <summary>Recorded kernel events (tlb_flush, notifier): kept for comparison, never applied.</summary>
    public long Recorded { get; private set; }

    /// <summary>Events whose op the model does not implement yet (counted per op, never silently lost).</summary>
    public long NotModelled { get; private set; }

    /// <summary>Effects the model produced (all kinds, whether or not an observer read them).</summary>
    public long Effects { get; private set; }

    public long Total => Replayed + Recorded + NotModelled;

    public IEnumerable<(OpCode Op, long Count)> NotModelledByOp()
    {
        for (var i = 0; i < _notModelledByOp.Length; i++)
        {
            if (_notModelledByOp[i] != 0)
            {
                yield return ((OpCode)i, _notModelledByOp[i]);
            }
        }
    }

    internal void CountReplayed() => Replayed++;

    internal void CountRecorded() => Recorded++;

    internal void CountNotModelled(OpCode op)
    {
        NotModelled++;
        _notModelledByOp[(int)op]++;
    }

    internal void AddEffects(long n) => Effects += n;
}
