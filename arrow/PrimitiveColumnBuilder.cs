using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace MmReplay.Arrow;

/// <summary>Fixed-width numbers: intN/uintN, float32/64 and timestamps (as <see cref="long"/>).</summary>
public sealed class PrimitiveColumnBuilder<T> : ArrowColumnBuilder
    where T : unmanaged
{
    private T[] _values;

    internal PrimitiveColumnBuilder(ArrowField field, int capacity)
        : base(field) => _values = new T[capacity];

    internal override int BufferCount => 2;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void Append(T value)
    {
        var index = Count;
        if ((uint)index >= (uint)_values.Length)
        {
            Grow();
        }

        _values[index] = value;
        if (_tracksNulls)
        {
            MarkValid(index);
        }

        Count = index + 1;
    }

    /// <summary>Append many non-null values at once (column-wise producers).</summary>
    public void AppendRange(ReadOnlySpan<T> values)
    {
        while (Count + values.Length > _values.Length)
        {
            Grow();
        }

        values.CopyTo(_values.AsSpan(Count));
        if (_tracksNulls)
        {
            for (var i = 0; i < values.Length; i++)
            {
                MarkValid(Count + i);
            }
        }

        Count += values.Length;
    }

    internal override ReadOnlySpan<byte> GetBuffer(int index) =>
        index == 0 ? Validity : MemoryMarshal.AsBytes(_values.AsSpan(0, Count));

    private protected override void AppendEmptyValue()
    {
        if (Count >= _values.Length)
        {
            Grow();
        }

        _values[Count] = default;
        Count++;
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private void Grow() => Array.Resize(ref _values, Math.Max(16, _values.Length * 2));
}
