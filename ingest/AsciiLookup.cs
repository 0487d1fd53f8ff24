using System.Collections.Frozen;
using System.Text;

namespace MmReplay.Ingest;

/// <summary>
/// A fixed table of short ASCII words (op names, arg keys, enum values) looked up straight from UTF-8 field
/// bytes: the bytes are widened into a stack buffer and probed through the frozen dictionary's span lookup,
/// so the hot path allocates nothing.
/// </summary>
public sealed class AsciiLookup<T>
{
    private const int MaxWord = 64;
    private readonly FrozenDictionary<string, T>.AlternateLookup<ReadOnlySpan<char>> _lookup;
    private readonly KeyValuePair<string, T>[] _words;

    public AsciiLookup(IEnumerable<KeyValuePair<string, T>> words)
    {
        _words = words.ToArray();
        _lookup = _words.ToFrozenDictionary(StringComparer.Ordinal).GetAlternateLookup<ReadOnlySpan<char>>();
        Choices = string.Join("|", _words.Select(w => w.Key));
    }

    /// <summary>The words, in the order given, joined by '|' (for "expected ..." messages).</summary>
    public string Choices { get; }

    public bool TryGet(ReadOnlySpan<byte> word, out T value)
    {
        if (word.Length > MaxWord || !Ascii.IsValid(word))
        {
            value = default!;
            return false;
        }

        Span<char> chars = stackalloc char[word.Length];
        Ascii.ToUtf16(word, chars, out _);
        return _lookup.TryGetValue(chars, out value!);
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
}
