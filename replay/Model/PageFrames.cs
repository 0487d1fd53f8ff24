namespace MmReplay.Replay.Model;

/// <summary>
/// Physical page frames as parallel arrays (struct-of-arrays: no per-frame objects, no pointer chasing).
/// Frame 0 is the shared zero page. Refcount follows the kernel's small-page rule: one per mapping, one for
/// the page cache, and GUP_PIN_COUNTING_BIAS (1024) per FOLL_PIN (FK-1).
/// </summary>
public sealed class PageFrames
{
    public const int ZeroFrame = 0;
    public const int PinBias = 1024;

    private int[] _refCount = new int[1024];
    private int[] _mapCount = new int[1024];
    private int[] _pinCount = new int[1024];
    private FrameFlags[] _flags = new FrameFlags[1024];
    private ulong[] _content = new ulong[1024];
    /// <summary>Page-cache owner: file key (file id, pgoff) for file frames.</summary>
    private long[] _owner = new long[1024];
    /// <summary>Trace line that allocated the frame, and that last wrote it (MN-1 ordering checks).</summary>
    private long[] _bornAt = new long[1024];
    private long[] _writtenAt = new long[1024];
    private int[] _free = new int[1024];
    private int _freeCount;
    private int _highWater = 1;

    public PageFrames()
    {
        _flags[ZeroFrame] = FrameFlags.InUse | FrameFlags.ZeroPage;
    }

    /// <summary>Frames allocated and not yet freed, the zero page included.</summary>
    public int InUse => _highWater - _freeCount;

    /// <summary>The trace line being replayed: stamps allocations.</summary>
    public long Clock { get; set; }

    public int Allocate(FrameFlags flags, ulong content)
    {
        int frame;
        if (_freeCount > 0)
        {
            frame = _free[--_freeCount];
        }
        else
        {
            if (_highWater == _refCount.Length)
            {
                Grow();
            }

            frame = _highWater++;
        }

        _refCount[frame] = 0;
        _mapCount[frame] = 0;
        _pinCount[frame] = 0;
        _flags[frame] = flags | FrameFlags.InUse;
        _content[frame] = content;
        _owner[frame] = 0;
        _bornAt[frame] = Clock;
        _writtenAt[frame] = Clock;
        return frame;
    }

    public ref int RefCount(int frame) => ref _refCount[frame];

    public ref int MapCount(int frame) => ref _mapCount[frame];

    public ref int PinCount(int frame) => ref _pinCount[frame];

    public ref FrameFlags Flags(int frame) => ref _flags[frame];

    public ref ulong Content(int frame) => ref _content[frame];

    public ref long Owner(int frame) => ref _owner[frame];

    public long BornAt(int frame) => _bornAt[frame];

    public ref long WrittenAt(int frame) => ref _writtenAt[frame];

    public bool Has(int frame, FrameFlags flag) => (_flags[frame] & flag) != 0;

    /// <summary>page_maybe_dma_pinned for a small page: refcount at or above the pin bias (FK-1).</summary>
    public bool MaybeDmaPinned(int frame) => _refCount[frame] >= PinBias;

    /// <summary>Drop one reference; the frame returns to the free list at zero (never the zero page).</summary>
    public void Put(int frame)
    {
        if (frame == ZeroFrame)
        {
            return;
        }

        if (--_refCount[frame] <= 0)
        {
            _flags[frame] = FrameFlags.None;
            if (_freeCount == _free.Length)
            {
                Array.Resize(ref _free, _free.Length * 2);
            }

            _free[_freeCount++] = frame;
        }
    }

    private void Grow()
    {
        var n = _refCount.Length * 2;
        Array.Resize(ref _refCount, n);
        Array.Resize(ref _mapCount, n);
        Array.Resize(ref _pinCount, n);
        Array.Resize(ref _flags, n);
        Array.Resize(ref _content, n);
        Array.Resize(ref _owner, n);
        Array.Resize(ref _bornAt, n);
        Array.Resize(ref _writtenAt, n);
    }
}
