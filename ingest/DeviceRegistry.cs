using System.Collections.Concurrent;
using System.Text;

namespace MmReplay.Ingest;

/// <summary>
/// Device names seen by parallel parsers. Each name gets a provisional id in whatever order the threads meet it;
/// the ordering stage turns provisional ids into final ones in order of first appearance in the trace, so ids are
/// deterministic however the rows were parsed.
/// </summary>
public sealed class DeviceRegistry
{
    public const int MaxNameBytes = 256;
    private readonly ConcurrentDictionary<string, int> _ids = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, int>.AlternateLookup<ReadOnlySpan<char>> _lookup;
    private readonly List<string> _names = [];
    private readonly Lock _gate = new();

    public DeviceRegistry() => _lookup = _ids.GetAlternateLookup<ReadOnlySpan<char>>();

    /// <summary>The provisional id of a UTF-8 name of at most <see cref="MaxNameBytes"/> bytes; allocates only the first time a name is seen.</summary>
    public int Provisional(ReadOnlySpan<byte> name)
    {
        Span<char> chars = stackalloc char[MaxNameBytes];
        var length = Encoding.UTF8.GetChars(name, chars);
        var key = chars[..length];
        if (_lookup.TryGetValue(key, out var id))
        {
            return id;
        }

        lock (_gate)
        {
            if (_lookup.TryGetValue(key, out id))
            {
                return id;
            }

            var text = key.ToString();
            id = _names.Count;
            _names.Add(text);
            _ids[text] = id;
            return id;
        }
    }

    public string Name(int provisional)
    {
        lock (_gate)
        {
            return _names[provisional];
        }
    }
}
