using System.Runtime.CompilerServices;
using System.Text;

namespace MmReplay.Arrow;

/// <summary>UTF-8 strings: int32 offsets plus one byte buffer per batch (at most 2 GiB of text per batch).</summary>
public sealed class Utf8ColumnBuilder : ArrowColumnBuilder
{
    private int[] _offsets;
    private byte[] _data;

    internal Utf8ColumnBuilder(ArrowField field, int capacity)
        : base(field)
    {
        _offsets = new int[capacity + 1];
        _data = new byte[Math.Max(64, capacity * 8)];
    }

    internal override int BufferCount => 3;

    /// <summary>Append text, encoded to UTF-8 without allocating.</summary>
    public void Append(ReadOnlySpan<char> value)
    {
        var start = _offsets[Count];
        EnsureData(start, Encoding.UTF8.GetMaxByteCount(value.Length));
        var written = Encoding.UTF8.GetBytes(value, _data.AsSpan(start));
        Commit(start + written);
    }

    /// <summary>Append text; a null string appends a null.</summary>
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

    /// <summary>Append bytes that are already UTF-8 (not validated).</summary>
    public void AppendUtf8(ReadOnlySpan<byte> utf8)
    {
        var start = _offsets[Count];
        EnsureData(start, utf8.Length);
        utf8.CopyTo(_data.AsSpan(start));
        Commit(start + utf8.Length);
    }

    internal override ReadOnlySpan<byte> GetBuffer(int index) => index switch
    {
        0 => Validity,
        1 => System.Runtime.InteropServices.MemoryMarshal.AsBytes(_offsets.AsSpan(0, Count + 1)),
        _ => _data.AsSpan(0, _offsets[Count]),
    };

    private protected override void AppendEmptyValue() => SetEnd(_offsets[Count]);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private void Commit(int end)
    {
        if (_tracksNulls)
        {
            MarkValid(Count);
        }

        SetEnd(end);
    }

    /// <summary>Close the current slot at byte <paramref name="end"/> (a null slot is empty).</summary>
    private void SetEnd(int end)
    {
        var index = Count;
        if (index + 2 > _offsets.Length)
        {
            Array.Resize(ref _offsets, _offsets.Length * 2);
        }

        _offsets[index + 1] = end;
        Count = index + 1;
    }

    private void EnsureData(int start, int extra)
    {
        var needed = (long)start + extra;
        if (needed <= _data.Length)
        {
            return;
        }

        if (needed > Array.MaxLength)
        {
            throw new InvalidOperationException(
                $"column '{Field.Name}': more than 2 GiB of text in one record batch; lower ArrowWriterOptions.BatchRows");
        }

        Array.Resize(ref _data, (int)Math.Min(Array.MaxLength, Math.Max(needed, (long)_data.Length * 2)));
    }
}
