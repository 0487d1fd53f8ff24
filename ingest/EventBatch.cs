using System.Buffers;

namespace MmReplay.Ingest;

/// <summary>
/// A pooled array of events handed over a channel. The consumer that takes the last reference returns
/// the array to the pool, so one batch can fan out to several replay tasks (one per policy).
/// </summary>
public sealed class EventBatch
{
    public const int DefaultCapacity = 4096;

    private TraceEvent[] _events;
    private int _refs;

    public EventBatch(int capacity = DefaultCapacity)
    {
        _events = ArrayPool<TraceEvent>.Shared.Rent(capacity);
        _refs = 1;
    }

    public int Count { get; private set; }

    public int Capacity => _events.Length;

    public bool IsFull => Count == _events.Length;

    /// <summary>The filled part, for the consumer.</summary>
    public ReadOnlySpan<TraceEvent> Events => _events.AsSpan(0, Count);

    /// <summary>Reserve the next slot and return it for filling in place (no copy of the struct).</summary>
    public ref TraceEvent Add()
    {
        ref var slot = ref _events[Count++];
        slot = default;
        return ref slot;
    }

    /// <summary>Append a copy of <paramref name="ev"/> (no clearing first) and return its slot.</summary>
    public ref TraceEvent Add(in TraceEvent ev)
    {
        ref var slot = ref _events[Count++];
        slot = ev;
        return ref slot;
    }

    /// <summary>Reserve the next <paramref name="count"/> slots, cleared, for filling column by column.</summary>
    public Span<TraceEvent> Append(int count)
    {
        var slots = _events.AsSpan(Count, count);
        slots.Clear();
        Count += count;
        return slots;
    }

    /// <summary>The filled part, writable (the CSV reader fixes up events of a chunk read ahead before sending them).</summary>
    internal Span<TraceEvent> Filled => _events.AsSpan(0, Count);

    /// <summary>Keep only the first <paramref name="count"/> events.</summary>
    internal void Truncate(int count) => Count = Math.Min(count, Count);

    /// <summary>Drop the last added event (a row that failed validation after Add).</summary>
    public void RemoveLast() => Count--;

    /// <summary>Share the batch with <paramref name="consumers"/> readers in total; each calls <see cref="Release"/>.</summary>
    public void SetConsumers(int consumers) => _refs = consumers;

    /// <summary>Give up one reference; the last one returns the array to the pool.</summary>
    public void Release()
    {
        if (Interlocked.Decrement(ref _refs) == 0)
        {
            ArrayPool<TraceEvent>.Shared.Return(_events);
            _events = [];
            Count = 0;
        }
    }
}
