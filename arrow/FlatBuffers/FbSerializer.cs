using System.Buffers.Binary;

namespace MmReplay.Arrow.FlatBuffers;

/// <summary>
/// Lays a FlatBuffers object tree out front to back: root offset, then each table as vtable + table
/// followed by its children depth-first. Every vtable sits right before its own table (never shared) so
/// forward-only readers such as polars' accept it, and every scalar sits at a multiple of its size
/// (the verifier pyarrow runs checks absolute alignment). Output is padded to 8 bytes.
/// </summary>
internal sealed class FbSerializer
{
    private byte[] _buffer = new byte[1024];
    private int _length;

    /// <summary>Serialize <paramref name="root"/>; the returned span is valid until the next call.</summary>
    public ReadOnlySpan<byte> Serialize(FbTable root)
    {
        _length = 0;
        Skip(4);
        var rootPosition = WriteNode(root);
        BinaryPrimitives.WriteUInt32LittleEndian(_buffer, (uint)rootPosition);
        PadTo(8);
        return _buffer.AsSpan(0, _length);
    }

    private int WriteNode(FbNode node) => node switch
    {
        FbTable table => WriteTable(table),
        FbString text => WriteString(text),
        FbVector vector => WriteVector(vector),
        FbInlineVector inline => WriteInlineVector(inline),
        _ => throw new InvalidOperationException("unknown FlatBuffers node"),
    };

    private int WriteTable(FbTable table)
    {
        var fields = table.Fields;
        var maxId = -1;
        foreach (var field in fields)
        {
            maxId = Math.Max(maxId, field.Id);
        }

        var vtableSize = 4 + (2 * (maxId + 1));
        PadTo(2);
        var vtable = _length;
        Skip(vtableSize);
        PadTo(4);
        var start = _length;
        Skip(4);

        // Biggest inline fields first keeps padding small; each one aligned to its own size.
        Span<int> positions = stackalloc int[fields.Count];
        for (var size = 8; size >= 1; size /= 2)
        {
            for (var i = 0; i < fields.Count; i++)
            {
                var field = fields[i];
                if (field.InlineSize != size)
                {
                    continue;
                }

                PadTo(size);
                positions[i] = _length;
                if (field.Child is null)
                {
                    WriteScalar(field.Value, size);
                }
                else
                {
                    Skip(4);
                }
            }
        }

        var span = _buffer.AsSpan();
        BinaryPrimitives.WriteUInt16LittleEndian(span[vtable..], (ushort)vtableSize);
        BinaryPrimitives.WriteUInt16LittleEndian(span[(vtable + 2)..], (ushort)(_length - start));
        for (var i = 0; i < fields.Count; i++)
        {
            BinaryPrimitives.WriteUInt16LittleEndian(span[(vtable + 4 + (2 * fields[i].Id))..], (ushort)(positions[i] - start));
        }

        BinaryPrimitives.WriteInt32LittleEndian(span[start..], start - vtable);
        for (var i = 0; i < fields.Count; i++)
        {
            if (fields[i].Child is { } child)
            {
                var target = WriteNode(child);
                BinaryPrimitives.WriteUInt32LittleEndian(_buffer.AsSpan(positions[i]), (uint)(target - positions[i]));
            }
        }

        return start;
    }

    private int WriteString(FbString text)
    {
        PadTo(4);
        var start = _length;
        WriteScalar(text.Utf8.Length, 4);
        Put(text.Utf8);
        Skip(1); // the NUL terminator the verifier insists on
        return start;
    }

    private int WriteVector(FbVector vector)
    {
        PadTo(4);
        var start = _length;
        WriteScalar(vector.Items.Count, 4);
        var slots = _length;
        Skip(4 * vector.Items.Count);
        for (var i = 0; i < vector.Items.Count; i++)
        {
            var slot = slots + (4 * i);
            var target = WriteNode(vector.Items[i]);
            BinaryPrimitives.WriteUInt32LittleEndian(_buffer.AsSpan(slot), (uint)(target - slot));
        }

        return start;
    }

    private int WriteInlineVector(FbInlineVector vector)
    {
        // The count precedes the elements, which must start at a multiple of their alignment.
        PadTo(4);
        while ((_length + 4) % vector.Alignment != 0)
        {
            Skip(4);
        }

        var start = _length;
        WriteScalar(vector.Count, 4);
        Put(vector.Bytes);
        return start;
    }

    private void WriteScalar(long value, int size)
    {
        Ensure(size);
        var span = _buffer.AsSpan(_length, size);
        switch (size)
        {
            case 1: span[0] = (byte)value; break;
            case 2: BinaryPrimitives.WriteInt16LittleEndian(span, (short)value); break;
            case 4: BinaryPrimitives.WriteInt32LittleEndian(span, (int)value); break;
            default: BinaryPrimitives.WriteInt64LittleEndian(span, value); break;
        }

        _length += size;
    }

    private void Put(ReadOnlySpan<byte> bytes)
    {
        Ensure(bytes.Length);
        bytes.CopyTo(_buffer.AsSpan(_length));
        _length += bytes.Length;
    }

    private void PadTo(int alignment)
    {
        var remainder = _length % alignment;
        if (remainder != 0)
        {
            Skip(alignment - remainder);
        }
    }

    /// <summary>Advance over zeroed bytes (placeholders and padding).</summary>
    private void Skip(int count)
    {
        Ensure(count);
        _buffer.AsSpan(_length, count).Clear();
        _length += count;
    }

    private void Ensure(int extra)
    {
        if (_length + extra > _buffer.Length)
        {
            Array.Resize(ref _buffer, Math.Max(_buffer.Length * 2, _length + extra));
        }
    }
}
