namespace MmReplay.Replay.Model;

/// <summary>Open-addressing map from a PMD index (va >> 21) to a leaf table; linear probing, no deletes.</summary>
public sealed class LeafMap
{
    private Slot[] _slots = new Slot[16];
    private int _count;

    public int Count => _count;

    public int Find(ulong pmd)
    {
        var key = pmd + 1;
        var mask = _slots.Length - 1;
        for (var i = Hash(key) & mask; ; i = (i + 1) & mask)
        {
            ref var slot = ref _slots[i];
            if (slot.Key == key)
            {
                return slot.Table;
            }

            if (slot.Key == 0)
            {
                return -1;
            }
        }
    }

    public void Add(ulong pmd, int table)
    {
        if ((_count + 1) * 2 > _slots.Length)
        {
            Grow();
        }

        Insert(pmd + 1, table);
        _count++;
    }

    /// <summary>Every (pmd, table) pair, for teardown.</summary>
    public int CopyTables(ref int[] into)
    {
        if (into.Length < _count)
        {
            Array.Resize(ref into, _count);
        }

        var n = 0;
        foreach (ref readonly var slot in _slots.AsSpan())
        {
            if (slot.Key != 0)
            {
                into[n++] = slot.Table;
            }
        }

        return n;
    }

    public void Clear()
    {
        Array.Clear(_slots);
        _count = 0;
    }

    private static int Hash(ulong key) => (int)((key * 0x9E3779B97F4A7C15UL) >> 40);

    private void Insert(ulong key, int value)
    {
        var mask = _slots.Length - 1;
        var i = Hash(key) & mask;
        while (_slots[i].Key != 0)
        {
            i = (i + 1) & mask;
        }

        _slots[i] = new Slot { Key = key, Table = value };
    }

    private void Grow()
    {
        var old = _slots;
        _slots = new Slot[old.Length * 2];
        foreach (ref readonly var slot in old.AsSpan())
        {
            if (slot.Key != 0)
            {
                Insert(slot.Key, slot.Table);
            }
        }
    }

    private struct Slot
    {
        public ulong Key;
        public int Table;
    }
}
