namespace MmReplay.Replay.Model;

/// <summary>Swap slots: the content swapped out and the swap map count (one per swap PTE referring to it).</summary>
public sealed class SwapSpace
{
    private ulong[] _content = new ulong[64];
    private int[] _count = new int[64];
    private int[] _free = new int[64];
    private int _freeCount;
    private int _highWater = 1;

    public int Allocate(ulong content)
    {
        int slot;
        if (_freeCount > 0)
        {
            slot = _free[--_freeCount];
        }
        else
        {
            if (_highWater == _content.Length)
            {
                Array.Resize(ref _content, _content.Length * 2);
                Array.Resize(ref _count, _count.Length * 2);
            }

            slot = _highWater++;
        }

        _content[slot] = content;
        _count[slot] = 1;
        return slot;
    }

    public ulong Content(int slot) => _content[slot];

    public int Count(int slot) => _count[slot];

    public void Dup(int slot) => _count[slot]++;

    /// <summary>swap_free: drop one reference; the slot is reusable at zero.</summary>
    public void Free(int slot)
    {
        if (--_count[slot] == 0)
        {
            if (_freeCount == _free.Length)
            {
                Array.Resize(ref _free, _free.Length * 2);
            }

            _free[_freeCount++] = slot;
        }
    }
}
