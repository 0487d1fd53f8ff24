namespace MmReplay.Replay.Model;

/// <summary>
/// Every leaf page table of the machine in one flat array: table t holds entries [t*512, t*512+512). A leaf
/// table covers 2 MiB and is the unit of the split PT lock; an op step that holds "the PTL" works on one table.
/// </summary>
public sealed class LeafTables
{
    public const int Entries = 512;
    private ulong[] _ptes = new ulong[Entries * 64];
    private int[] _free = new int[64];
    private int _freeCount;
    private int _count;

    public int Allocate()
    {
        int t;
        if (_freeCount > 0)
        {
            t = _free[--_freeCount];
            Array.Clear(_ptes, t * Entries, Entries);
            return t;
        }

        t = _count++;
        if ((long)_count * Entries > _ptes.Length)
        {
            Array.Resize(ref _ptes, _ptes.Length * 2);
        }

        return t;
    }

    public void Release(int table)
    {
        if (_freeCount == _free.Length)
        {
            Array.Resize(ref _free, _free.Length * 2);
        }

        _free[_freeCount++] = table;
    }

    /// <summary>The entry, or entry 0 when out of range (a prefetch hint must never throw).</summary>
    internal ref ulong EntryOrFirst(int table, int index)
    {
        var i = (table * Entries) + index;
        return ref (uint)i < (uint)_ptes.Length ? ref _ptes[i] : ref _ptes[0];
    }

    public ref ulong Entry(int table, int index) => ref _ptes[(table * Entries) + index];
}
