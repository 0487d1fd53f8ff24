namespace MmReplay.Replay.Model;

/// <summary>FOLL_PIN pins held: each holds the frame that was mapped when it was taken (not the address).</summary>
public sealed class PinTable
{
    private int[] _pid = new int[16];
    private ulong[] _va = new ulong[16];
    private int[] _frame = new int[16];

    public int Count { get; private set; }

    public void Add(int pid, ulong va, int frame)
    {
        if (Count == _pid.Length)
        {
            Array.Resize(ref _pid, Count * 2);
            Array.Resize(ref _va, Count * 2);
            Array.Resize(ref _frame, Count * 2);
        }

        _pid[Count] = pid;
        _va[Count] = va;
        _frame[Count] = frame;
        Count++;
    }

    public int Pid(int i) => _pid[i];

    public ulong Va(int i) => _va[i];

    public int Frame(int i) => _frame[i];

    /// <summary>The first pin <paramref name="pid"/> holds at <paramref name="va"/>, or -1.</summary>
    public int Find(int pid, ulong va)
    {
        for (var i = 0; i < Count; i++)
        {
            if (_pid[i] == pid && _va[i] == va)
            {
                return i;
            }
        }

        return -1;
    }

    /// <summary>Remove pin i (order is not kept).</summary>
    public void RemoveAt(int i)
    {
        Count--;
        _pid[i] = _pid[Count];
        _va[i] = _va[Count];
        _frame[i] = _frame[Count];
    }
}
