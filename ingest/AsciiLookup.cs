using System.Buffers.Binary;
using System.Text;

namespace MmReplay.Ingest;

/// <summary>
/// A fixed table of short ASCII words (op names, arg keys, enum values) looked up straight from UTF-8 field
/// bytes: an open-addressing table over the words' bytes (a hash of a few bytes, byte comparison), so the hot path neither
/// allocates nor widens the bytes to chars. Lookups are ordinal: a non-ASCII or longer word simply finds nothing.
/// </summary>
public sealed class AsciiLookup<T>
{
    private readonly KeyValuePair<string, T>[] _words;
    private readonly byte[][] _keys;
    private readonly T[] _values;
    private readonly int _mask;

    public AsciiLookup(IEnumerable<KeyValuePair<string, T>> words)
    {
        _words = words.ToArray();
        Choices = string.Join("|", _words.Select(w => w.Key));

        // At most half full, so a miss ends at an empty slot after a probe or two.
        var size = 4;
        while (size < _words.Length * 2)
        {
            size *= 2;
        }

        _mask = size - 1;
        _keys = new byte[size][];
        _values = new T[size];
        foreach (var (word, value) in _words)
        {
            var bytes = Encoding.ASCII.GetBytes(word);
            var slot = Hash(bytes) & _mask;
            while (_keys[slot] is { } taken)
            {
                if (taken.AsSpan().SequenceEqual(bytes))
                {
                    throw new ArgumentException($"word '{word}' given twice", nameof(words));
                }

                slot = (slot + 1) & _mask;
            }

            _keys[slot] = bytes;
            _values[slot] = value;
        }
    }

    /// <summary>The words, in the order given, joined by '|' (for "expected ..." messages).</summary>
    public string Choices { get; }

    public bool TryGet(ReadOnlySpan<byte> word, out T value)
    {
        for (var slot = Hash(word) & _mask; _keys[slot] is { } key; slot = (slot + 1) & _mask)
        {
            if (word.SequenceEqual(key))
            {
                value = _values[slot];
                return true;
            }
        }

        value = default!;
        return false;
    }

    /// <summary>The word for <paramref name="value"/> (the first one, when several words share it); null when none.</summary>
    public string? NameOf(T value)
    {
        foreach (var word in _words)
        {
            if (EqualityComparer<T>.Default.Equals(word.Value, value))
            {
                return word.Key;
            }
        }

        return null;
    }

    /// <summary>
    /// The length and the first and last two bytes: enough to tell the vocabulary's words apart (a collision only
    /// costs a probe), and far cheaper on the hot path than hashing every byte.
    /// </summary>
    private static int Hash(ReadOnlySpan<byte> word)
    {
        var hash = word.Length switch
        {
            0 => 0u,
            1 => word[0],
            _ => ((uint)BinaryPrimitives.ReadUInt16LittleEndian(word) << 16) ^ BinaryPrimitives.ReadUInt16LittleEndian(word[^2..]),
        };
        hash = (hash ^ (uint)word.Length) * 0x9E3779B1u;
        return (int)(hash ^ (hash >> 15));
    }
}
