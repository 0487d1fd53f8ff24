using System.Runtime.CompilerServices;

namespace MmReplay.Arrow;

/// <summary>
/// Dictionary-encoded strings with int32 indices and one complete dictionary. Values declared on the field
/// come first, in order; new values may be added until the writer emits the dictionary (just before the
/// first record batch), after which an unknown value is an error (no delta dictionaries: polars rejects them).
/// </summary>
public sealed class DictionaryColumnBuilder : ArrowColumnBuilder
{
    private readonly List<string> _values = [];
    private readonly Dictionary<string, int> _lookup = new(StringComparer.Ordinal);
    private readonly Dictionary<string, int>.AlternateLookup<ReadOnlySpan<char>> _spanLookup;
    private int[] _indices;

    internal DictionaryColumnBuilder(ArrowField field, int capacity)
        : base(field)
    {
        _indices = new int[capacity];
        _spanLookup = _lookup.GetAlternateLookup<ReadOnlySpan<char>>();
        foreach (var value in field.DictionaryValues)
        {
            if (!_lookup.TryAdd(value, _values.Count))
            {
                throw new ArgumentException($"field '{field.Name}': dictionary value '{value}' declared twice", nameof(field));
            }

            _values.Add(value);
        }
    }

    /// <summary>The dictionary so far (index → value).</summary>
    public IReadOnlyList<string> Values => _values;

    /// <summary>True once the dictionary has been written; from then on it cannot grow.</summary>
    public bool IsFrozen { get; private set; }

    internal override int BufferCount => 2;

    /// <summary>Append by dictionary index (the fastest path for closed vocabularies).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void Append(int index)
    {
        if ((uint)index >= (uint)_values.Count)
        {
            throw new ArgumentOutOfRangeException(nameof(index), index,
                $"column '{Field.Name}': dictionary index out of range (the dictionary has {_values.Count} values)");
        }

        var position = Count;
        if ((uint)position >= (uint)_indices.Length)
        {
            Grow();
        }

        _indices[position] = index;
        if (_tracksNulls)
        {
            MarkValid(position);
        }

        Count = position + 1;
    }

    /// <summary>Append by value; no allocation when the value is already in the dictionary.</summary>
    public void Append(ReadOnlySpan<char> value) => Append(IndexOf(value));

    /// <summary>Append by value; a null string appends a null.</summary>
    public void Append(string? value)
    {
        if (value is null)
        {
            AppendNull();
        }
        else
        {
            Append(value.AsSpan());
        }
    }

    /// <summary>The index of <paramref name="value"/>, adding it while the dictionary is still open.</summary>
    public int IndexOf(ReadOnlySpan<char> value)
    {
        if (_spanLookup.TryGetValue(value, out var index))
        {
            return index;
        }

        if (IsFrozen)
        {
            throw new InvalidOperationException(
                $"column '{Field.Name}': value '{value}' is not in the dictionary, which was already written " +
                "with the first record batch; declare every value in the field's dictionary values");
        }

        var text = value.ToString();
        _lookup.Add(text, _values.Count);
        _values.Add(text);
        return _values.Count - 1;
    }

    internal void Freeze() => IsFrozen = true;

    internal override ReadOnlySpan<byte> GetBuffer(int index) =>
        index == 0 ? Validity : System.Runtime.InteropServices.MemoryMarshal.AsBytes(_indices.AsSpan(0, Count));

    private protected override void AppendEmptyValue()
    {
        if (Count >= _indices.Length)
        {
            Grow();
        }

        _indices[Count] = 0;
        Count++;
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private void Grow() => Array.Resize(ref _indices, Math.Max(16, _indices.Length * 2));
}
