using System.Numerics;

namespace MmReplay.Analyze.Dirty;

/// <summary>
/// Open-addressing hash table of <see cref="PageTrack"/> keyed by a non-zero ulong (linear probing, power-of-two
/// capacity, at most half full). Flat struct storage: no per-page allocation, no pointer chasing; it only
/// allocates when it grows, and <see cref="Clear"/> keeps the storage for the next interval.
/// </summary>
internal sealed class PageTable
{
    private const int InitialCapacity = 64;
    private PageTrack[] _slots = new PageTrack[InitialCapacity];
    private int _count;

    public int Count => _count;

    /// <summary>Slots, for a walk over every entry (empty slots have Key 0).</summary>
    public Span<PageTrack> Slots => _slots;

    public ref PageTrack GetOrAdd(ulong key)
    {
        if ((_count + 1) * 2 > _slots.Length)
        {
            Grow();
        }

        var mask = _slots.Length - 1;
        for (var i = Hash(key) & mask; ; i = (i + 1) & mask)
        {
            ref var slot = ref _slots[i];
            if (slot.Key == key)
            {
                return ref slot;
            }

            if (slot.Key == 0)
            {
                slot.Key = key;
                _count++;
                return ref slot;
            }
        }
    }

    /// <summary>Slot index of <paramref name="key"/>, or -1.</summary>
    public int IndexOf(ulong key)
    {
        var mask = _slots.Length - 1;
        for (var i = Hash(key) & mask; ; i = (i + 1) & mask)
        {
            var k = _slots[i].Key;
            if (k == key)
            {
                return i;
            }

            if (k == 0)
            {
                return -1;
            }
        }
    }

    public void Clear()
    {
        Array.Clear(_slots);
        _count = 0;
    }

    // Fibonacci hashing spreads page-aligned keys (low bits all alike) over the table.
    private int Hash(ulong key) => (int)((key * 0x9E3779B97F4A7C15UL) >> (64 - BitOperations.Log2((uint)_slots.Length)));

    private void Grow()
    {
        var old = _slots;
        _slots = new PageTrack[old.Length * 2];
        _count = 0;
        foreach (ref readonly var slot in old.AsSpan())
        {
            if (slot.Key != 0)
            {
                GetOrAdd(slot.Key) = slot;
            }
        }
    }
}
