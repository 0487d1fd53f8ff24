using System.Text;

namespace MmReplay.Ingest.Ftrace;

/// <summary>
/// Counts occurrences of UTF-8 names (event names, syscall names) without allocating per hit: a trace has a handful
/// of distinct names, so a short list compared by length then bytes beats hashing. A new name allocates once.
/// </summary>
internal sealed class Utf8NameCounter
{
    private readonly List<(byte[] Name, long Count)> _entries = [];
    private int _last;

    public void Add(ReadOnlySpan<byte> name) => Add(name, 1);

    /// <summary>Adds every count of <paramref name="other"/> (a block's counts into the file's).</summary>
    public void Add(Utf8NameCounter other)
    {
        foreach (var (name, count) in other._entries)
        {
            Add(name, count);
        }
    }

    private void Add(ReadOnlySpan<byte> name, long times)
    {
        // Consecutive lines often repeat the same event: try the last hit first.
        if (_last < _entries.Count && _entries[_last].Name.AsSpan().SequenceEqual(name))
        {
            Bump(_last, times);
            return;
        }

        for (var i = 0; i < _entries.Count; i++)
        {
            if (_entries[i].Name.Length == name.Length && _entries[i].Name.AsSpan().SequenceEqual(name))
            {
                _last = i;
                Bump(i, times);
                return;
            }
        }

        _entries.Add((name.ToArray(), times));
        _last = _entries.Count - 1;
    }

    public long Total
    {
        get
        {
            long total = 0;
            foreach (var (_, count) in _entries)
            {
                total += count;
            }

            return total;
        }
    }

    public SortedDictionary<string, long> ToDictionary()
    {
        var result = new SortedDictionary<string, long>(StringComparer.Ordinal);
        foreach (var (name, count) in _entries)
        {
            result[Encoding.UTF8.GetString(name)] = count;
        }

        return result;
    }

    private void Bump(int i, long times)
    {
        var (name, count) = _entries[i];
        _entries[i] = (name, count + times);
    }
}
