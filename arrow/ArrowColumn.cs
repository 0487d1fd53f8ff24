using System.Buffers.Binary;
using System.Runtime.InteropServices;
using System.Text;

namespace MmReplay.Arrow;

/// <summary>
/// One column of a record batch that was read: typed access to values and nulls, straight over the body
/// bytes (no copies). String offsets and dictionary indices are checked on access, so even a corrupt file
/// read without strict mode yields an <see cref="ArrowFormatException"/>, never a crash.
/// </summary>
public sealed class ArrowColumn
{
    private readonly ReadOnlyMemory<byte> _validity;
    private readonly ReadOnlyMemory<byte> _values;
    private readonly ReadOnlyMemory<byte> _data;
    private readonly ReadOnlyMemory<byte>[] _variadic;
    private readonly long _valuesOffset;

    internal ArrowColumn(ArrowField field, int length, int nullCount, ReadOnlyMemory<byte> validity,
        ReadOnlyMemory<byte> values, long valuesOffset, ReadOnlyMemory<byte> data, ReadOnlyMemory<byte>[] variadic,
        ArrowColumn? dictionary)
    {
        Field = field;
        Length = length;
        NullCount = nullCount;
        _validity = validity;
        _values = values;
        _valuesOffset = valuesOffset;
        _data = data;
        _variadic = variadic;
        Dictionary = dictionary;
    }

    public ArrowField Field { get; }

    public ArrowTypeId TypeId => Field.Type.Id;

    public int Length { get; }

    public int NullCount { get; }

    /// <summary>The dictionary's values (a string column) for a dictionary-encoded column, else null.</summary>
    public ArrowColumn? Dictionary { get; }

    public bool IsNull(int row)
    {
        CheckRow(row);
        return NullCount > 0 && (_validity.Span[row >> 3] & (1 << (row & 7))) == 0;
    }

    public bool IsValid(int row) => !IsNull(row);

    /// <summary>The raw values of a fixed-width column (for a dictionary column: the indices).</summary>
    public ReadOnlySpan<T> Values<T>()
        where T : unmanaged
    {
        var width = ArrowType.ByteWidth(TypeId == ArrowTypeId.Dictionary ? Field.Type.IndexType : TypeId);
        if (width == 0 || width != Marshal.SizeOf<T>())
        {
            throw new InvalidOperationException($"column '{Field.Name}' is {Field.Type}: its values are not {typeof(T).Name}");
        }

        return MemoryMarshal.Cast<byte, T>(_values.Span[..(Length * width)]);
    }

    /// <summary>Any signed or unsigned integer up to 63 bits, or a timestamp, widened.</summary>
    public long GetInt64(int row)
    {
        CheckRow(row);
        return ArrowType.ByteWidth(TypeId) != 0 && TypeId is not (ArrowTypeId.Float32 or ArrowTypeId.Float64)
            ? ReadInteger(_values.Span, TypeId, row)
            : throw NotA("an integer");
    }

    public ulong GetUInt64(int row) => TypeId == ArrowTypeId.UInt64 ? (ulong)GetInt64(row) : checked((ulong)GetInt64(row));

    public double GetDouble(int row)
    {
        CheckRow(row);
        return TypeId switch
        {
            ArrowTypeId.Float32 => BinaryPrimitives.ReadSingleLittleEndian(_values.Span[(row * 4)..]),
            ArrowTypeId.Float64 => BinaryPrimitives.ReadDoubleLittleEndian(_values.Span[(row * 8)..]),
            _ => throw NotA("a float"),
        };
    }

    public bool GetBool(int row)
    {
        CheckRow(row);
        return TypeId == ArrowTypeId.Bool ? (_values.Span[row >> 3] & (1 << (row & 7))) != 0 : throw NotA("a bool");
    }

    public int GetDictionaryIndex(int row)
    {
        var index = TypeId == ArrowTypeId.Dictionary ? GetIndex(row) : throw NotA("a dictionary");
        if ((ulong)index >= (ulong)Dictionary!.Length)
        {
            throw new ArrowFormatException($"dictionary index {index} out of range (dictionary has {Dictionary.Length} values)",
                _valuesOffset + (row * (long)ArrowType.ByteWidth(Field.Type.IndexType)), Field.Name);
        }

        return (int)index;
    }

    /// <summary>The UTF-8 bytes of a string or dictionary value (empty for a null).</summary>
    public ReadOnlySpan<byte> GetUtf8(int row)
    {
        CheckRow(row);
        switch (TypeId)
        {
            case ArrowTypeId.Utf8:
            {
                var offsets = _values.Span;
                return Slice(_data.Span, BinaryPrimitives.ReadInt32LittleEndian(offsets[(row * 4)..]),
                    BinaryPrimitives.ReadInt32LittleEndian(offsets[((row + 1) * 4)..]), row * 4L);
            }

            case ArrowTypeId.LargeUtf8:
            {
                var offsets = _values.Span;
                return Slice(_data.Span, BinaryPrimitives.ReadInt64LittleEndian(offsets[(row * 8)..]),
                    BinaryPrimitives.ReadInt64LittleEndian(offsets[((row + 1) * 8)..]), row * 8L);
            }

            case ArrowTypeId.Utf8View:
                return View(row);
            case ArrowTypeId.Dictionary:
                return IsNull(row) ? [] : Dictionary!.GetUtf8(GetDictionaryIndex(row));
            default:
                throw NotA("a string");
        }
    }

    public string? GetString(int row) => IsNull(row) ? null : Encoding.UTF8.GetString(GetUtf8(row));

    /// <summary>The value boxed as its natural CLR type (sbyte, ushort, long for timestamps, ...): for display and tests, not hot loops.</summary>
    public object? GetValue(int row)
    {
        if (IsNull(row))
        {
            return null;
        }

        return TypeId switch
        {
            ArrowTypeId.Bool => GetBool(row),
            ArrowTypeId.Float32 => (float)GetDouble(row),
            ArrowTypeId.Float64 => GetDouble(row),
            ArrowTypeId.UInt64 => GetUInt64(row),
            ArrowTypeId.Int8 => (sbyte)GetInt64(row),
            ArrowTypeId.Int16 => (short)GetInt64(row),
            ArrowTypeId.Int32 => (int)GetInt64(row),
            ArrowTypeId.UInt8 => (byte)GetInt64(row),
            ArrowTypeId.UInt16 => (ushort)GetInt64(row),
            ArrowTypeId.UInt32 => (uint)GetInt64(row),
            ArrowTypeId.Utf8 or ArrowTypeId.LargeUtf8 or ArrowTypeId.Utf8View or ArrowTypeId.Dictionary => GetString(row),
            _ => GetInt64(row),
        };
    }

    /// <summary>Strict mode: check every offset, view and index up front, as pyarrow's full validation does.</summary>
    internal void Verify()
    {
        if (TypeId is ArrowTypeId.Utf8 or ArrowTypeId.LargeUtf8)
        {
            var width = TypeId == ArrowTypeId.Utf8 ? 4 : 8;
            long previous = 0;
            for (var i = 0; i <= Length && Length > 0; i++)
            {
                var offset = width == 4
                    ? BinaryPrimitives.ReadInt32LittleEndian(_values.Span[(i * 4)..])
                    : BinaryPrimitives.ReadInt64LittleEndian(_values.Span[(i * 8)..]);
                if (offset < previous || offset > _data.Length || (i == 0 && offset < 0))
                {
                    throw new ArrowFormatException($"string offset {offset} at row {i} is decreasing or past the data ({_data.Length} bytes)",
                        _valuesOffset + ((long)i * width), Field.Name);
                }

                previous = offset;
            }
        }
        else if (TypeId is ArrowTypeId.Utf8View or ArrowTypeId.Dictionary)
        {
            for (var i = 0; i < Length; i++)
            {
                if (!IsNull(i))
                {
                    _ = GetUtf8(i);
                }
            }
        }
    }

    private long GetIndex(int row)
    {
        CheckRow(row);
        return ReadInteger(_values.Span, Field.Type.IndexType, row);
    }

    /// <summary>Integer <paramref name="row"/> of a little-endian buffer of <paramref name="type"/>, widened (uint64 reinterpreted).</summary>
    private static long ReadInteger(ReadOnlySpan<byte> values, ArrowTypeId type, int row) => type switch
    {
        ArrowTypeId.Int8 => (sbyte)values[row],
        ArrowTypeId.UInt8 => values[row],
        ArrowTypeId.Int16 => BinaryPrimitives.ReadInt16LittleEndian(values[(row * 2)..]),
        ArrowTypeId.UInt16 => BinaryPrimitives.ReadUInt16LittleEndian(values[(row * 2)..]),
        ArrowTypeId.Int32 => BinaryPrimitives.ReadInt32LittleEndian(values[(row * 4)..]),
        ArrowTypeId.UInt32 => BinaryPrimitives.ReadUInt32LittleEndian(values[(row * 4)..]),
        _ => BinaryPrimitives.ReadInt64LittleEndian(values[(row * 8)..]),
    };

    private ReadOnlySpan<byte> View(int row)
    {
        var view = _values.Span.Slice(row * 16, 16);
        var length = BinaryPrimitives.ReadInt32LittleEndian(view);
        if (length is >= 0 and <= 12)
        {
            return view.Slice(4, length);
        }

        var buffer = BinaryPrimitives.ReadInt32LittleEndian(view[8..]);
        var offset = BinaryPrimitives.ReadInt32LittleEndian(view[12..]);
        if (length < 0 || (uint)buffer >= (uint)_variadic.Length)
        {
            throw new ArrowFormatException($"string view at row {row} names data buffer {buffer} of {_variadic.Length}",
                _valuesOffset + (row * 16L), Field.Name);
        }

        return Slice(_variadic[buffer].Span, offset, (long)offset + length, row * 16L);
    }

    private ReadOnlySpan<byte> Slice(ReadOnlySpan<byte> data, long start, long end, long where)
    {
        if (start < 0 || end < start || end > data.Length)
        {
            throw new ArrowFormatException($"string bounds {start}..{end} outside the {data.Length}-byte data buffer",
                _valuesOffset + where, Field.Name);
        }

        return data[(int)start..(int)end];
    }

    private void CheckRow(int row) => ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual((uint)row, (uint)Length, nameof(row));

    private InvalidOperationException NotA(string what) => new($"column '{Field.Name}' is {Field.Type}, not {what}");
}
