namespace MmReplay.Replay.Model;

/// <summary>Open-addressing map from a PMD index (va >> 21) to a leaf table; linear probing, no deletes.</summary>
public sealed class LeafMap
{
    private ulong[] _keys = new ulong[16];
    private int[] _values = new int[16];
    private int _count;

    public int Count => _count;

    public int Find(ulong pmd)
    {
        var key = pmd + 1;
        var mask = _keys.Length - 1;
        for (var i = Hash(key) & mask; ; i = (i + 1) & mask)
        {
            var k = _keys[i];
            if (k == key)
            {
                return _values[i];
            }

            if (k == 0)
            {
                return -1;
            }
        }
    }

    public void Add(ulong pmd, int table)
    {
        if ((_count + 1) * 2 > _keys.Length)
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
        for (var i = 0; i < _keys.Length; i++)
        {
            if (_keys[i] != 0)
            {
                into[n++] = _values[i];
            }
        }

        return n;
    }

    public void Clear()
    {
        Array.Clear(_keys);
        _count = 0;
    }

    private static int Hash(ulong key) => (int)((key * 0x9E3779B97F4A7C15UL) >> 40);

    private void Insert(ulong key, int value)
    {
        var mask = _keys.Length - 1;
        var i = Hash(key) & mask;
        while (_keys[i] != 0)
        {
            i = (i + 1) & mask;
        }

        _keys[i] = key;
        _values[i] = value;
    }

    private void Grow()
    {
        var keys = _keys;
        var values = _values;
        _keys = new ulong[keys.Length * 2];
        _values = new int[keys.Length * 2];
        for (var i = 0; i < keys.Length; i++)
        {
            if (keys[i] != 0)
            {
                Insert(keys[i], values[i]);
            }
        }
    }
}
