using System.Buffers.Binary;
using System.Text;

namespace MmReplay.Arrow.FlatBuffers;

/// <summary>
/// Bounds-checked access to one untrusted flatbuffer. Every read is checked (a bad offset becomes an
/// <see cref="ArrowFormatException"/> naming the absolute byte offset); strict mode also applies the rules
/// of the FlatBuffers verifier that pyarrow runs: absolute scalar alignment and NUL-terminated strings.
/// </summary>
internal readonly struct FbReader(ReadOnlyMemory<byte> buffer, long fileOffset, bool strict, string what)
{
    public int Length => buffer.Length;

    public bool Strict => strict;

    public FbTableView Root() => Table(ReadUOffsetTarget(0), 0);

    public ArrowFormatException Error(string message, int position, string? field = null) =>
        new($"{message} in the {what} metadata", fileOffset + position, field);

    public FbTableView Table(int position, int depth)
    {
        if (depth > 64)
        {
            throw Error("tables nested too deeply", position);
        }

        if (strict && position % 4 != 0)
        {
            throw Error("table not 4-byte aligned", position);
        }

        var vtable = (long)position - I32(position);
        if (vtable < 0 || vtable + 4 > Length)
        {
            throw Error("vtable offset points outside the flatbuffer", position);
        }

        var vtableSize = U16((int)vtable);
        var inlineSize = U16((int)vtable + 2);
        if (vtableSize < 4 || vtableSize % 2 != 0 || vtable + vtableSize > Length || (strict && vtable % 2 != 0))
        {
            throw Error("malformed vtable", (int)vtable);
        }

        if (inlineSize < 4 || (long)position + inlineSize > Length)
        {
            throw Error("table extends past the flatbuffer", position);
        }

        return new FbTableView(this, position, (int)vtable, vtableSize, inlineSize, depth);
    }

    /// <summary>Follow the uoffset stored at <paramref name="position"/>.</summary>
    public int ReadUOffsetTarget(int position)
    {
        if (strict && position % 4 != 0)
        {
            throw Error("offset not 4-byte aligned", position);
        }

        var target = (long)position + (uint)I32(position);
        if (target >= Length)
        {
            throw Error("offset points outside the flatbuffer", position);
        }

        return (int)target;
    }

    public string String(int position)
    {
        var length = VectorLength(position, 1);
        var start = position + 4;
        if (strict && (start + length >= Length || buffer.Span[start + length] != 0))
        {
            throw Error("string is not NUL-terminated", start + length);
        }

        return Encoding.UTF8.GetString(buffer.Span.Slice(start, length));
    }

    /// <summary>Element count of the vector at <paramref name="position"/>, checking its elements fit.</summary>
    public int VectorLength(int position, int elementSize)
    {
        if (strict && position % 4 != 0)
        {
            throw Error("vector not 4-byte aligned", position);
        }

        var count = (uint)I32(position);
        if (position + 4L + ((long)count * elementSize) > Length)
        {
            throw Error("vector extends past the flatbuffer", position);
        }

        if (strict && elementSize == 8 && count > 0 && (position + 4) % 8 != 0)
        {
            throw Error("vector elements not 8-byte aligned", position + 4);
        }

        return (int)count;
    }

    public ReadOnlySpan<byte> Bytes(int position, int count)
    {
        Check(position, count);
        return buffer.Span.Slice(position, count);
    }

    public byte U8(int position)
    {
        Check(position, 1);
        return buffer.Span[position];
    }

    public ushort U16(int position)
    {
        Check(position, 2);
        return BinaryPrimitives.ReadUInt16LittleEndian(buffer.Span[position..]);
    }

    public int I32(int position)
    {
        Check(position, 4);
        return BinaryPrimitives.ReadInt32LittleEndian(buffer.Span[position..]);
    }

    public long I64(int position)
    {
        Check(position, 8);
        return BinaryPrimitives.ReadInt64LittleEndian(buffer.Span[position..]);
    }

    private void Check(int position, int size)
    {
        if (position < 0 || (long)position + size > Length)
        {
            throw Error($"read of {size} bytes outside the flatbuffer", position);
        }
    }
}
