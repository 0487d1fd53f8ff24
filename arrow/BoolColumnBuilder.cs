using System.Runtime.CompilerServices;

namespace MmReplay.Arrow;

/// <summary>Booleans, bit-packed LSB-first like the validity bitmap.</summary>
public sealed class BoolColumnBuilder : ArrowColumnBuilder
{
    private byte[] _bits;

    internal BoolColumnBuilder(ArrowField field, int capacity)
        : base(field) => _bits = new byte[(capacity + 7) >> 3];

    internal override int BufferCount => 2;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void Append(bool value)
    {
        var index = Count;
        if ((uint)(index >> 3) >= (uint)_bits.Length)
        {
            Grow();
        }

        if (value)
        {
            _bits[index >> 3] |= (byte)(1 << (index & 7));
        }

        if (_tracksNulls)
        {
            MarkValid(index);
        }

        Count = index + 1;
    }

    internal override ReadOnlySpan<byte> GetBuffer(int index) =>
        index == 0 ? Validity : _bits.AsSpan(0, (Count + 7) >> 3);

    internal override void Reset()
    {
        _bits.AsSpan(0, Math.Min(_bits.Length, (Count + 7) >> 3)).Clear();
        base.Reset();
    }

    private protected override void AppendEmptyValue()
    {
        if ((Count >> 3) >= _bits.Length)
        {
            Grow();
        }

        Count++; // the bit is already 0
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private void Grow() => Array.Resize(ref _bits, Math.Max(2, _bits.Length * 2));
}
