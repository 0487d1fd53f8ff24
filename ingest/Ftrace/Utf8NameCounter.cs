using System.Text;

namespace MmReplay.Ingest.Ftrace;

/// <summary>
/// Counts occurrences of UTF-8 names (event names, syscall names) without allocating per hit: a trace has a handful
/// of distinct names, so a short list compared by length then bytes beats hashing. A new name allocates once.
/// </summary>
internal sealed class Utf8NameCounter
{
    private byte[][] _names = new byte[8][];
    private long[] _counts = new long[8];
    private int _count;
    private int _last;

    public void Add(ReadOnlySpan<byte> name) => Add(name, 1);

    /// <summary>Adds every count of <paramref name="other"/> (a block's counts into the file's).</summary>
    public void Add(Utf8NameCounter other)
    {
        for (var i = 0; i < other._count; i++)
        {
            Add(other._names[i], other._counts[i]);
        }
    }

    private void Add(ReadOnlySpan<byte> name, long times)
    {
        // Names come in runs (the same event again) and cycles (mmap_lock start, acquired, released, start...): the
        // last hit and the entry after it answer almost every call before the scan.
        var last = _last;
        if (last < _count && Is(last, name))
        {
            _counts[last] += times;
            return;
        }

        var next = last + 1 < _count ? last + 1 : 0;
        for (var tries = 0; tries < _count; tries++)
        {
            if (Is(next, name))
            {
                _last = next;
                _counts[next] += times;
                return;
            }

            next = next + 1 < _count ? next + 1 : 0;
        }

        if (_count == _names.Length)
        {
            Array.Resize(ref _names, _count * 2);
            Array.Resize(ref _counts, _count * 2);
        }

        _names[_count] = name.ToArray();
        _counts[_count] = times;
        _last = _count++;
    }

    private bool Is(int i, ReadOnlySpan<byte> name) => _names[i].Length == name.Length && _names[i].AsSpan().SequenceEqual(name);

    public long Total
    {
        get
        {
            long total = 0;
            for (var i = 0; i < _count; i++)
            {
                total += _counts[i];
            }

            return total;
        }
    }

    public SortedDictionary<string, long> ToDictionary()
    {
        var result = new SortedDictionary<string, long>(StringComparer.Ordinal);
        for (var i = 0; i < _count; i++)
        {
            result[Encoding.UTF8.GetString(_names[i])] = _counts[i];
        }

        return result;
    }
}
